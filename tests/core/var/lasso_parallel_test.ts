// lassoPathBatchParallel(): the same paths, bit for bit, as the sequential batch; errors
// from a worker arrive as typed errors.
import {
  closeLassoWorkers,
  larsPathBatch,
  lassoPathBatch,
  lassoPathBatchParallel,
  SparsedynError,
} from "../../../mod.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";
import { problem } from "../../_helpers/random.ts";

Deno.test("lassoPathBatchParallel() equals lassoPathBatch() bit for bit, for every worker count", async () => {
  const { G, C, Y } = problem(31, 200, 12, 5, 0.6);
  const yty = new Float64Array(5);
  for (let t = 0; t < 200; t++) for (let r = 0; r < 5; r++) yty[r] += Y[t * 5 + r] ** 2;
  const seq = lassoPathBatch(G, C, 200, { yty });
  const seqLar = larsPathBatch(G, C, 200, { yty });
  for (const workers of [1, 2, 3, 5, 8]) {
    for (const method of ["lasso", "lar"] as const) {
      const par = await lassoPathBatchParallel(G, C, 200, { yty, workers, method });
      const ref = method === "lasso" ? seq : seqLar;
      assertEquals(par.length, 5, "one path per response");
      par.forEach((p, r) => {
        const want = ref[r];
        assertEquals(
          Array.from(p.lambdas),
          Array.from(want.lambdas),
          `λ of response ${r} (${workers} workers, ${method})`,
        );
        assertEquals(Array.from(p.coefs), Array.from(want.coefs), `β of response ${r}`);
        assertEquals(Array.from(p.rss!), Array.from(want.rss!), `rss of response ${r}`);
      });
    }
  }
  await closeLassoWorkers();
});

Deno.test("lassoPathBatchParallel() rejects bad input with the same typed errors", async () => {
  const { G, C } = problem(32, 50, 4, 2);
  const bad = G.slice();
  bad[1] = NaN;
  let err: unknown;
  try {
    await lassoPathBatchParallel(bad, C, 50, { workers: 2 });
  } catch (e) {
    err = e;
  }
  assert(
    err instanceof SparsedynError && err.code === "NON_FINITE" && err.argument === "G",
    String(err),
  );
  const ok = await lassoPathBatchParallel(G, C, 50, { workers: 2 });
  assertEquals(ok.length, 2, "the pool keeps working after a failed job");
  await closeLassoWorkers();
});
