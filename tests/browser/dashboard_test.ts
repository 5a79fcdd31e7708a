// The dashboard in headless Chromium (Debian's, through playwright-core): every page renders
// without console errors, charts draw, the time slider and the coefficient threshold change
// what is shown, a malformed run shows its error panel, a 100 000-frame run opens (load
// time printed, not asserted), and the training curves grow while a run trains. Screenshots
// go to $SPARSEDYN_SCREENSHOTS (docs/screenshots when regenerating them) or a temp folder.
import type { Page } from "playwright-core";
import { startDashboard } from "../../server/app.ts";
import { trainRun } from "../../core/train/train_run.ts";
import { writeSynthetic } from "../../core/data/synthetic_write.ts";
import { useBackend } from "../../core/model/backend.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { trainedRoot, writeBigRun, writeBrokenRuns } from "../server/_fixtures.ts";
import { launchBrowser, openPage, screenshotDir } from "./_browser.ts";

/** Non-background pixels of a canvas (drawn content). */
function inkedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0 && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) n++;
    }
    return n;
  });
}

function canvasHash(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => (el as HTMLCanvasElement).toDataURL());
}

async function setRange(page: Page, selector: string, value: number) {
  await page.$eval(selector, (el, v) => {
    const input = el as HTMLInputElement;
    input.value = String(v);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
}

Deno.test({
  name: "dashboard pages in Chromium: runs list, run, compare, malformed run, 100 000 frames",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { tmp, root } = await trainedRoot();
    await Deno.mkdir(`${tmp}/outside`);
    await writeBrokenRuns(root, `${tmp}/outside`);
    await writeBigRun(`${root}/long-100k`);
    const shots = await screenshotDir();
    const server = await startDashboard({ root, port: 0 });
    const b = await launchBrowser();
    try {
      const { page, errors } = await openPage(b.browser);
      const base = server.url.replace(/\/$/, "");

      // Runs list.
      await page.goto(`${base}/`);
      const rows = await page.$$eval(
        "tr[data-run]",
        (r) => r.map((e) => (e as HTMLElement).dataset.run),
      );
      for (const name of ["e2e", "two-stage", "long-100k", "truncated"]) {
        assert(rows.includes(name), `runs list has ${name}: ${rows}`);
      }
      assertEquals(await page.textContent('tr[data-run="truncated"] .badge'), "failed");
      await page.screenshot({ path: `${shots}/runs.png`, fullPage: true });

      // A run: every section draws.
      await page.goto(`${base}/run?name=e2e`);
      await page.waitForSelector(".curves .chart[data-ready] canvas");
      await page.waitForSelector(".traces .chart[data-ready] canvas");
      await page.waitForSelector(".frames[data-frame='0']", { timeout: 90_000 });
      await page.waitForSelector(".maps canvas[data-drawn]");
      await page.waitForSelector(".dynamics[data-edges]");
      assert(await inkedPixels(page, ".curves canvas") > 100, "training curves drawn");
      assert(await inkedPixels(page, ".traces canvas") > 100, "latent traces drawn");
      assert(Number(await page.getAttribute(".traces", "data-points")) > 0, "trace points");
      assert(await page.$$eval(".null-hist rect.bar", (r) => r.length) > 0, "null histogram");
      assert(await page.$(".null-hist .observed") !== null, "observed line");
      assert(
        (await page.textContent("#test")!)!.includes("Contribution-map test"),
        "map sub-test shown",
      );

      // The time slider changes the frames shown.
      const raw0 = await canvasHash(page, ".frames canvas");
      await setRange(page, ".frames input[type=range]", 200);
      await page.waitForSelector(".frames[data-frame='200']", { timeout: 60_000 });
      assert(await canvasHash(page, ".frames canvas") !== raw0, "frame 200 differs from frame 0");

      // The threshold changes the heatmap and the network.
      const edges0 = Number(await page.getAttribute(".dynamics", "data-edges"));
      const heat0 = await canvasHash(page, ".heatmap canvas");
      const max = Number(await page.getAttribute(".dynamics input[type=range]", "max"));
      await setRange(page, ".dynamics input[type=range]", max * 0.5);
      await page.waitForFunction(
        (e) => Number(document.querySelector<HTMLElement>(".dynamics")!.dataset.edges) !== e,
        edges0,
      );
      const edges1 = Number(await page.getAttribute(".dynamics", "data-edges"));
      assert(edges1 < edges0, `fewer edges above a higher threshold (${edges0} → ${edges1})`);
      assertEquals(await page.$$eval("svg.network path.edge", (p) => p.length), edges1);
      await page.waitForFunction(() =>
        document.querySelector<HTMLCanvasElement>(".heatmap canvas")!.dataset.drawn !== "0"
      );
      assert(
        await canvasHash(page, ".heatmap canvas") !== heat0,
        "heatmap greys out small weights",
      );
      await setRange(page, ".dynamics input[type=range]", 0);

      // Maps: choose a latent's map, then an edge's.
      const map0 = await page.getAttribute(".maps", "data-map");
      await page.selectOption(".maps select.map-kind", "latent");
      await page.selectOption(".maps select.map-pick", "1");
      await page.waitForFunction(
        (m) => document.querySelector<HTMLElement>(".maps")!.dataset.map !== m,
        map0,
      );
      assertEquals(await page.getAttribute(".maps", "data-map"), "latent_1_ig.png");
      // The canvas draws the map's values (its NPY), with a colour bar beside it.
      await page.waitForSelector(".maps canvas[data-drawn='latent_1_ig.npy']");
      assert(await page.$$eval(".maps svg.colorbar .tick", (t) => t.length) >= 2, "ticks");
      await page.selectOption(".maps select.map-kind", "edge");
      assert((await page.getAttribute(".maps", "data-map"))!.startsWith("edge_"), "an edge map");
      await page.selectOption(".maps select.map-kind", "all");
      await page.screenshot({ path: `${shots}/run.png`, fullPage: true });

      // Compare.
      await page.goto(`${base}/compare?a=e2e&b=two-stage`);
      await page.waitForFunction(() =>
        document.querySelectorAll(".curves .chart[data-ready] canvas").length === 2
      );
      assertEquals(await page.$$eval(".compare .column", (c) => c.length), 2);
      await page.waitForFunction(() =>
        document.querySelectorAll(".dynamics[data-edges]").length === 2
      );
      assertEquals(await page.$$eval("svg.network", (s) => s.length), 2);
      await page.screenshot({ path: `${shots}/compare.png`, fullPage: true });

      // A malformed run: an error panel, the rest of the dashboard unaffected.
      await page.goto(`${base}/run?name=truncated`);
      assert(
        (await page.textContent(".error-panel"))!.includes("latents.npy"),
        "error panel names the file",
      );
      await page.goto(`${base}/run?name=bad-test`);
      await page.waitForSelector(".traces .chart[data-ready] canvas");
      assert(
        (await page.textContent("#test .error-panel"))!.includes("test.json"),
        "test section's panel",
      );

      // 100 000 frames: time from navigation to every chart drawn (reported, not asserted).
      const times: number[] = [];
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        await page.goto(`${base}/run?name=long-100k`);
        await page.waitForSelector(".traces .chart[data-ready] canvas");
        await page.waitForSelector(".curves .chart[data-ready] canvas");
        await page.waitForSelector(".heatmap canvas[data-drawn]");
        times.push(performance.now() - t0);
      }
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        return { html: n.responseEnd - n.startTime, dom: n.domContentLoadedEventEnd - n.startTime };
      });
      assert(Number(await page.getAttribute(".traces", "data-points")) <= 4000, "downsampled");
      assert(await inkedPixels(page, ".traces canvas") > 100, "100k traces drawn");
      console.log(
        `100 000-frame run page: first load ${times[0].toFixed(0)} ms, then ${
          times.slice(1).map((t) => t.toFixed(0)).join(" / ")
        } ms to all charts drawn (HTML ${nav.html.toFixed(0)} ms, DOM ready ${
          nav.dom.toFixed(0)
        } ms)`,
      );
      await page.screenshot({ path: `${shots}/run_100k.png`, fullPage: true });
      assertEquals(errors, []);
    } finally {
      await b.close();
      await server.shutdown();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "dashboard in Chromium: training curves grow while a run trains",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await useBackend("wasm");
    const tmp = await Deno.realPath(await Deno.makeTempDir({ prefix: "sparsedyn-live-" }));
    await Deno.mkdir(`${tmp}/runs`);
    await writeSynthetic(`${tmp}/rec`, { height: 16, width: 16, frames: 96, cells: 3 });
    const server = await startDashboard({ root: `${tmp}/runs`, port: 0 });
    const b = await launchBrowser();
    let stop = false;
    const training = trainRun(`${tmp}/rec/movie.npy`, `${tmp}/runs/live`, {
      mode: "ae",
      epochs: 500,
      windowLength: 16,
      shouldStop: () => stop,
    });
    try {
      const cp = `${tmp}/runs/live.checkpoint/metrics.jsonl`;
      const deadline = Date.now() + 120_000;
      while (!(await Deno.readTextFile(cp).catch(() => "")).includes("\n")) {
        if (Date.now() > deadline) throw new Error("no epoch finished in 120 s");
        await new Promise((r) => setTimeout(r, 200));
      }
      const { page, errors } = await openPage(b.browser);
      await page.goto(server.url);
      assertEquals(await page.textContent('tr[data-run="live"] .badge'), "running");
      await page.goto(`${server.url}run?name=live`);
      await page.waitForSelector(".curves .chart[data-ready] canvas");
      const n0 = Number(await page.getAttribute(".curves", "data-points"));
      assert(n0 >= 1, "epochs at load");
      await page.waitForFunction(
        (n) => Number(document.querySelector<HTMLElement>(".curves")!.dataset.points) >= n + 2,
        n0,
        { timeout: 120_000 },
      );
      const n1 = Number(await page.getAttribute(".curves", "data-points"));
      const onDisk = (await Deno.readTextFile(cp)).trim().split("\n").length;
      assert(n1 >= n0 + 2 && n1 <= onDisk, `curves grew from ${n0} to ${n1} (file: ${onDisk})`);
      await page.screenshot({ path: `${await screenshotDir()}/live.png`, fullPage: true });
      assertEquals(errors, []);
    } finally {
      stop = true;
      await training.catch(() => {});
      await b.close();
      await server.shutdown();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
