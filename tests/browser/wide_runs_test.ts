// The dashboard in headless Chromium at 8, 128 and 512 latents: the searchable latent
// picker adds and removes traces, the network shows the k strongest edges (k adjustable, the
// same edges as computed here from var.json), the matrices, maps and null histogram have
// axes and colour bars, and damaged runs are flagged on the runs list and their page.
// Screenshots go to $SPARSEDYN_SCREENSHOTS or a temp folder (runs_damaged.png,
// run_8_latents.png, run_128_latents.png and its sections, run_512_latents.png).
import { startDashboard } from "../../server/app.ts";
import { topEdges } from "../../server/islands/Dynamics.tsx";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { writeSynthRun } from "../bench/_dashboard_runs.ts";
import { launchBrowser, openPage, screenshotDir } from "./_browser.ts";

Deno.test({
  name: "dashboard in Chromium at 128 and 512 latents: picker, top-k network, damage flags",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const tmp = await Deno.realPath(await Deno.makeTempDir({ prefix: "sparsedyn-wide-" }));
    const root = `${tmp}/runs`;
    await writeSynthRun(`${root}/small`, { T: 600, d: 8, lags: 2, test: true, mapLatents: 8 });
    await writeSynthRun(`${root}/wide-128`, {
      T: 800,
      d: 128,
      lags: 2,
      test: true,
      mapLatents: 128,
      seed: 3,
    });
    await writeSynthRun(`${root}/wide-512`, { T: 300, d: 512, lags: 1, seed: 4 });
    await writeSynthRun(`${root}/cut-metrics`, { T: 100, d: 8, lags: 1, seed: 5 });
    const m = await Deno.readTextFile(`${root}/cut-metrics/metrics.jsonl`);
    await Deno.writeTextFile(`${root}/cut-metrics/metrics.jsonl`, m.slice(0, m.length - 30));
    await writeSynthRun(`${root}/bad-weights`, { T: 100, d: 8, lags: 1, seed: 6 });
    const w = await Deno.readFile(`${root}/bad-weights/weights/w1.npy`);
    await Deno.writeFile(`${root}/bad-weights/weights/w1.npy`, w.subarray(0, w.length - 64));
    const shots = await screenshotDir();
    const server = await startDashboard({ root, port: 0 });
    const b = await launchBrowser();
    try {
      const { page, errors } = await openPage(b.browser);
      await page.setViewportSize({ width: 1400, height: 1000 });
      const base = server.url.replace(/\/$/, "");

      // Runs list: both damaged runs flagged, with the file and the reason.
      await page.goto(`${base}/`);
      assertEquals(await page.textContent('tr[data-run="cut-metrics"] .badge'), "damaged");
      assertEquals(await page.textContent('tr[data-run="bad-weights"] .badge'), "damaged");
      assertEquals(await page.textContent('tr[data-run="small"] .badge'), "finished");
      assert(
        (await page.textContent('tr[data-run="cut-metrics"] .damage'))!.includes(
          "metrics.jsonl was cut",
        ),
        "the metrics reason",
      );
      assert(
        (await page.textContent('tr[data-run="bad-weights"] .damage'))!.includes(
          "weights/w1.npy",
        ),
        "the weight file named",
      );
      await page.screenshot({ path: `${shots}/runs_damaged.png`, fullPage: true });
      await page.goto(`${base}/run?name=bad-weights`);
      assert(
        (await page.textContent(".damage-panel"))!.includes("is cut short"),
        "the run page says why",
      );

      // 8 latents: every latent on the ring, axes and colour bars drawn, histogram y axis.
      await page.goto(`${base}/run?name=small`);
      await page.waitForSelector(".dynamics[data-edges]");
      await page.waitForSelector(".traces .chart[data-ready] canvas");
      await page.waitForSelector(".maps canvas[data-drawn]");
      assertEquals(await page.$$eval("svg.network g.node", (n) => n.length), 8);
      assert(await page.$$eval(".heatmap .tick", (t) => t.length) >= 8, "matrix ticks");
      assert(await page.$$eval(".dynamics svg.colorbar .tick", (t) => t.length) >= 3, "bar");
      assert(await page.$$eval(".maps svg.colorbar .tick", (t) => t.length) >= 2, "map bar");
      assert(await page.$$eval(".null-hist .y-tick", (t) => t.length) >= 2, "y axis ticks");
      const mapBox = await page.$eval(".maps canvas", (c) => c.getBoundingClientRect().width);
      assert(mapBox >= 400, `maps are drawn large (${mapBox} px)`);
      await page.screenshot({ path: `${shots}/run_8_latents.png`, fullPage: true });

      // 128 latents: the top-k network; k changes what is drawn, and the edges are the k
      // strongest of var.json.
      await page.goto(`${base}/run?name=wide-128`);
      await page.waitForSelector(".dynamics[data-edges]");
      await page.waitForSelector(".traces .chart[data-ready] canvas");
      const A = JSON.parse(await Deno.readTextFile(`${root}/wide-128/var.json`)).A;
      const expect20 = topEdges(A, 0, 20);
      assertEquals(Number(await page.getAttribute(".dynamics", "data-edges")), 20);
      const listed = await page.$$eval(
        ".edge-list tbody tr",
        (rows) => rows.map((r) => r.children[1].textContent),
      );
      assertEquals(listed, expect20.map((e) => `${e.from} → ${e.to}`));
      const nodes20 = new Set(expect20.flatMap((e) => [e.from, e.to]));
      assertEquals(await page.$$eval("svg.network g.node", (n) => n.length), nodes20.size);
      await page.fill(".dynamics input.topk", "5");
      await page.waitForFunction(() =>
        document.querySelector<HTMLElement>(".dynamics")!.dataset.edges === "5"
      );
      assertEquals(await page.$$eval("svg.network path.edge", (p) => p.length), 5);
      assertEquals(await page.$$eval(".edge-list tbody tr", (r) => r.length), 5);
      const nodes5 = new Set(topEdges(A, 0, 5).flatMap((e) => [e.from, e.to]));
      assertEquals(await page.$$eval("svg.network g.node", (n) => n.length), nodes5.size);
      await page.fill(".dynamics input.topk", "20");

      // The picker: no checkbox wall; search "12", pick z12, its trace is fetched; remove it.
      assertEquals(await page.$$eval(".traces input[type=checkbox]", (c) => c.length), 0);
      const before = await page.$$eval(".traces .chip", (c) => c.map((e) => e.textContent));
      assertEquals(before.length, 3);
      const asked: string[] = [];
      page.on("request", (r) => {
        if (r.url().includes("/api/run/series")) asked.push(r.url());
      });
      await page.fill(".traces input.latent-search", "12");
      const options = await page.$$eval(
        ".traces .latent-option",
        (o) => o.map((e) => (e as HTMLElement).dataset.latent),
      );
      assertEquals(options.slice(0, 3), ["12", "120", "121"]);
      await page.click('.traces .latent-option[data-latent="12"]');
      await page.waitForSelector('.traces .chip[data-latent="12"]');
      await page.waitForFunction(() =>
        document.querySelectorAll(".traces .u-legend .u-series").length === 1 + 2 * 4
      );
      assert(
        asked.some((u) => u.includes("cols=0%2C1%2C2%2C12") || u.includes("cols=0,1,2,12")),
        asked.join(),
      );
      // A range adds every latent it names.
      await page.fill(".traces input.latent-search", "100-102");
      await page.press(".traces input.latent-search", "Enter");
      await page.waitForSelector('.traces .chip[data-latent="102"]');
      assertEquals(await page.$$eval(".traces .chip", (c) => c.length), 7);
      await page.click('.traces .chip[data-latent="0"]');
      await page.waitForFunction(() => !document.querySelector('.traces .chip[data-latent="0"]'));
      await page.waitForSelector(".maps canvas[data-drawn]");
      // 128 latent maps: found by number.
      await page.selectOption(".maps select.map-kind", "latent");
      await page.fill(".maps input.map-search", "97");
      await page.waitForSelector(".maps canvas[data-drawn='latent_97_ig.npy']");
      assertEquals(await page.getAttribute(".maps", "data-map"), "latent_97_ig.png");
      await page.screenshot({ path: `${shots}/run_128_latents.png`, fullPage: true });
      await page.locator("#dynamics").screenshot({ path: `${shots}/run_128_network.png` });
      await page.locator("#traces").screenshot({ path: `${shots}/run_128_traces.png` });
      await page.locator("#maps").screenshot({ path: `${shots}/run_128_maps.png` });
      await page.locator("#test").screenshot({ path: `${shots}/run_128_test.png` });

      // Compare at 128 latents: both columns draw their matrices and networks.
      await page.goto(`${base}/compare?a=small&b=wide-128`);
      await page.waitForFunction(() =>
        document.querySelectorAll(".dynamics[data-edges]").length === 2
      );
      await page.screenshot({ path: `${shots}/compare_8_128.png`, fullPage: true });

      // 512 latents: the page carries no coefficients; the matrix is fetched and drawn.
      const res = await fetch(`${base}/run?name=wide-512`);
      const html = await res.text();
      assert(html.length < 200_000, `run page of 512 latents is ${html.length} bytes`);
      await page.goto(`${base}/run?name=wide-512`);
      await page.waitForSelector(".heatmap canvas[data-drawn]");
      assertEquals(Number(await page.getAttribute(".dynamics", "data-edges")), 20);
      await page.screenshot({ path: `${shots}/run_512_latents.png`, fullPage: true });
      await page.locator("#dynamics").screenshot({ path: `${shots}/run_512_network.png` });
      assertEquals(errors, []);
    } finally {
      await b.close();
      await server.shutdown();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
