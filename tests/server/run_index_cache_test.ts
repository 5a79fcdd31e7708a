// The dashboard's runs index cache: kept while nothing changes, and every kind of change on
// disk (a new run, a run removed, a file rewritten, a training appearing) shows at the next
// request, through the cache and through the server's pages and JSON.
import { startDashboard } from "../../server/app.ts";
import { listRuns } from "../../server/run_index.ts";
import { RunIndex } from "../../server/run_index_cache.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { writeSynthRun } from "../bench/_dashboard_runs.ts";
import { writeTinyRun } from "./_fixtures.ts";

async function tempRoot(): Promise<string> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "sparsedyn-index-" }));
  await writeTinyRun(`${root}/a`);
  await writeTinyRun(`${root}/group/b`);
  return root;
}

Deno.test("RunIndex: the same rows while unchanged; new, removed and rewritten runs show at once", async () => {
  const root = await tempRoot();
  try {
    const index = new RunIndex(root);
    const first = await index.list();
    assertEquals(first.map((r) => r.name), ["a", "group/b"]);
    assert(await index.list() === first, "unchanged: the same array, nothing reread");
    // The uncached listing is the reference for every state below.
    assertEquals(JSON.stringify(first), JSON.stringify(await listRuns(root)));

    await writeTinyRun(`${root}/group/c`);
    const withC = await index.list();
    assertEquals(withC.map((r) => r.name), ["a", "group/b", "group/c"]);
    assert(withC[0] === first[0], "run a was not reread");

    // A file rewritten in place (same folder, so the folder's mtime may not change).
    await Deno.writeTextFile(
      `${root}/a/metrics.jsonl`,
      '{"epoch":0,"loss":1}\n{"epoch":1,"loss":0.5}\n{"epoch":2,"loss":0.25}\n',
    );
    const rewritten = await index.list();
    assertEquals(rewritten.find((r) => r.name === "a")!.epochs, 3);
    assertEquals(JSON.stringify(rewritten), JSON.stringify(await listRuns(root)));

    await Deno.remove(`${root}/group/b`, { recursive: true });
    assertEquals((await index.list()).map((r) => r.name), ["a", "group/c"]);

    // A training appears (checkpoint only); its epochs grow as its metrics file grows.
    await Deno.mkdir(`${root}/live.checkpoint`);
    await Deno.writeTextFile(`${root}/live.checkpoint/metrics.jsonl`, '{"epoch":0,"loss":1}\n');
    const live = (await index.list()).find((r) => r.name === "live")!;
    assertEquals([live.status, live.epochs], ["running", 1]);
    await Deno.writeTextFile(`${root}/live.checkpoint/metrics.jsonl`, '{"epoch":1,"loss":1}\n', {
      append: true,
    });
    assertEquals((await index.list()).find((r) => r.name === "live")!.epochs, 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("RunIndex: concurrent requests for a changed run share one read of it", async () => {
  const root = await tempRoot();
  try {
    const index = new RunIndex(root);
    const lists = await Promise.all(Array.from({ length: 20 }, () => index.list()));
    // One read per run: the rows are the same objects in every concurrent answer.
    for (const l of lists) assert(l[0] === lists[0][0] && l[1] === lists[0][1], "shared rows");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("serve: the runs page and /api/runs show a new run, a changed file and a damaged weight at the next request", async () => {
  const root = await tempRoot();
  const server = await startDashboard({ root, port: 0 });
  try {
    const runs = async () =>
      await (await fetch(`${server.url}api/runs`)).json() as {
        name: string;
        status: string;
        epochs?: number;
        damage?: string[];
      }[];
    const page = async () => await (await fetch(server.url)).text();
    assertEquals((await runs()).map((r) => r.name), ["a", "group/b"]);
    assert(!(await page()).includes("fresh"), "not there yet");

    await writeSynthRun(`${root}/fresh`, { T: 50, d: 4, lags: 1, epochs: 5 });
    assertEquals((await runs()).map((r) => r.name), ["a", "fresh", "group/b"]);
    assert((await page()).includes('data-run="fresh"'), "the page lists the new run");
    assertEquals((await runs()).find((r) => r.name === "fresh")!.status, "finished");

    // A weight file damaged in place: flagged on both, with the file named.
    const w = await Deno.readFile(`${root}/fresh/weights/w2.npy`);
    await Deno.writeFile(`${root}/fresh/weights/w2.npy`, w.subarray(0, w.length - 8));
    const fresh = (await runs()).find((r) => r.name === "fresh")!;
    assertEquals(fresh.status, "damaged");
    assert(fresh.damage?.[0].includes("weights/w2.npy"), JSON.stringify(fresh));
    assert((await page()).includes("is cut short"), "the page says why");

    // Repaired: the flag goes.
    await Deno.writeFile(`${root}/fresh/weights/w2.npy`, w);
    assertEquals((await runs()).find((r) => r.name === "fresh")!.status, "finished");

    // The run page too: a run's page follows its files.
    const before = await (await fetch(`${server.url}run?name=a`)).text();
    assert(before.includes("two-stage"), "mode shown");
    const config = JSON.parse(await Deno.readTextFile(`${root}/a/config.json`));
    await Deno.writeTextFile(`${root}/a/config.json`, JSON.stringify({ ...config, mode: "ae" }));
    const after = await (await fetch(`${server.url}run?name=a`)).text();
    assert(after.includes(">ae<") && !after.includes("two-stage"), "the page was rebuilt");
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("serve: a training whose process ends while the dashboard is open turns 'stopped' on the list and its page", async () => {
  const root = await tempRoot();
  const server = await startDashboard({ root, port: 0 });
  // A process that lives until its stdin closes: its pid is a live process until then.
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "for await (const _ of Deno.stdin.readable) {}"],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const cp = `${root}/live.checkpoint`;
    await Deno.mkdir(cp);
    await Deno.writeTextFile(`${cp}/metrics.jsonl`, '{"epoch":0,"loss":1}\n');
    await Deno.writeTextFile(
      `${cp}/owner.json`,
      JSON.stringify({ pid: child.pid, host: Deno.hostname() }),
    );
    const status = async () => {
      const list = await (await fetch(`${server.url}api/runs`)).json() as {
        name: string;
        status: string;
      }[];
      const m = await (await fetch(`${server.url}api/run/metrics?name=live`)).json();
      return [list.find((r) => r.name === "live")!.status, m.status];
    };
    assertEquals(await status(), ["running", "running"]);
    await child.stdin.close();
    await child.status;
    // Nothing on disk changed; the process did.
    assertEquals(await status(), ["stopped", "stopped"]);
  } finally {
    await child.stdin.close().catch(() => {});
    await child.status;
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});
