// The dashboard's study pages: /studies lists the study folders under the root, /study
// shows the summary table over animals and the failed tasks with their files and logs.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { startDashboard } from "../../server/app.ts";

Deno.test("dashboard: a study's page shows its animals and failed tasks; its log links open; outside names are 404", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const server = await startDashboard({ root, port: 0 });
  try {
    const study = `${root}/lab/s1`;
    await Deno.mkdir(`${study}/logs/encode`, { recursive: true });
    await Deno.writeTextFile(`${study}/plan.json`, "{}");
    await Deno.writeTextFile(
      `${study}/logs/encode/m2_s1_b.log`,
      "sparsedyn encode: not a readable NPY file\n",
    );
    await Deno.writeTextFile(
      `${study}/summary.json`,
      JSON.stringify({
        comparisons: [{ a: "familiar", b: "novel", alpha: 0.05 }],
        animals: [
          {
            animal: "m1",
            run: "train/study",
            a: "familiar",
            b: "novel",
            recordingsA: 2,
            recordingsB: 2,
            p: 0.004,
            q: 0.008,
            differs: true,
            effectZ: 3.21,
            betweenWithin: 1.5,
          },
          {
            animal: "m2",
            a: "familiar",
            b: "novel",
            error: 'no recording of condition "novel" was encoded',
            file: "/data/m2_b.npy",
          },
        ],
        failed: [{
          task: "encode/m2_s1_b",
          error: "not a readable NPY file",
          file: "/data/m2_b.npy",
          log: "logs/encode/m2_s1_b.log",
        }],
        tasks: { total: 9, done: 8, failed: 1 },
      }),
    );
    await Deno.mkdir(`${root}/lab/running`);
    await Deno.writeTextFile(`${root}/lab/running/plan.json`, "{}");

    const list = await (await fetch(`${server.url}studies`)).text();
    assert(list.includes('href="/study?name=lab%2Fs1"') && list.includes("lab/running"), list);

    const res = await fetch(`${server.url}study?name=lab/s1`);
    assertEquals(res.status, 200);
    const page = await res.text();
    for (
      const s of ["m1", "0.0080", "3.21", "yes", "not tested", "encode/m2_s1_b", "/data/m2_b.npy"]
    ) {
      assert(page.includes(s), `${s} in the page`);
    }
    // The animal links to the run of the model that encoded it (here a shared one).
    assert(page.includes('href="/run?name=lab%2Fs1%2Ftrain%2Fstudy"'), "the model's run");
    const log = /href="(\/files\/lab\/s1\/logs\/encode\/m2_s1_b\.log)"/.exec(page);
    assert(log, "a link to the failed task's log");
    const l = await fetch(`${server.url}${log[1].slice(1)}`);
    assertEquals(l.headers.get("content-type"), "text/plain; charset=utf-8");
    assert((await l.text()).includes("not a readable NPY file"));

    const running = await (await fetch(`${server.url}study?name=lab/running`)).text();
    assert(running.includes("No summary yet"), running);
    for (const bad of ["..", "lab", "lab/s1/../../..", "/etc"]) {
      const r = await fetch(`${server.url}study?name=${encodeURIComponent(bad)}`);
      assertEquals(r.status, 404, bad);
      await r.body?.cancel();
    }
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});
