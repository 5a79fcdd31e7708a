import { forecast } from "../../core/var/forecast.ts";
import { oneStepPredictions, RunCache } from "../../server/run_data.ts";
import { assert, assertAlmostEquals, assertEquals } from "../_helpers/assert.ts";
import { writeTinyRun } from "./_fixtures.ts";

Deno.test("oneStepPredictions: equal to core/var's one-step forecast from the previous p frames (VAR(2))", () => {
  const T = 50, d = 3, p = 2;
  const z = Float64Array.from({ length: T * d }, (_, i) => Math.sin(i * 0.7) + Math.cos(i * 0.13));
  const A = [
    [[0.5, -0.2, 0], [0.1, 0.3, 0], [0, 0, -0.4]],
    [[0, 0.05, 0.1], [-0.2, 0, 0], [0.3, 0, 0.1]],
  ];
  const intercept = [0.1, -0.2, 0.3];
  const pred = oneStepPredictions(z, T, d, { A, intercept });
  const flat = new Float64Array(p * d * d);
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) flat[(k * d + i) * d + j] = A[k][i][j];
  }
  const model = { A: flat, intercept: Float64Array.from(intercept), d, p };
  for (let i = 0; i < p * d; i++) assert(Number.isNaN(pred[i]), "no prediction before p frames");
  for (let t = p; t < T; t++) {
    const f = forecast(model, z.slice((t - p) * d, t * d), 1);
    for (let i = 0; i < d; i++) assertAlmostEquals(pred[t * d + i], f[i], 1e-5);
  }
});

Deno.test("RunCache: reads a run, then rereads it once a file changes", async () => {
  const root = await Deno.makeTempDir();
  try {
    await writeTinyRun(`${root}/r`);
    const cache = new RunCache(root);
    const a = await cache.get("r");
    assertEquals([a.T, a.d, a.status, a.metrics.length], [4, 2, "finished", 2]);
    assert((await cache.get("r")) === a, "kept while unchanged");
    await Deno.writeTextFile(`${root}/r/metrics.jsonl`, '{"epoch":0,"loss":1}\n');
    const b = await cache.get("r");
    assertEquals(b.metrics.length, 1);
    assertEquals(b.noFrames, "config.json records no movie");
    await Deno.writeTextFile(`${root}/r/test.json`, "{");
    const c = await cache.get("r");
    assert(c.problems.test?.includes("test.json is not valid JSON"), JSON.stringify(c.problems));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
