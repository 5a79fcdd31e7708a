// The VAR network: edges from the non-zero off-diagonal coefficients, weight and lag of
// the largest, self-loops apart, sorted by strength.
import { assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { varNetwork } from "../../../core/var/network.ts";

Deno.test("varNetwork: edge i → j for A_k[j, i] ≠ 0, weight of largest |.| over lags", () => {
  const d = 3, p = 2;
  const A = new Float64Array(p * d * d);
  const set = (k: number, i: number, j: number, v: number) => (A[((k - 1) * d + i) * d + j] = v);
  set(1, 1, 0, 0.2); // 0 → 1 at lag 1
  set(2, 1, 0, -0.5); // 0 → 1 at lag 2, stronger
  set(1, 2, 1, 0.3); // 1 → 2
  set(1, 0, 0, 0.9); // self-loop of 0
  set(2, 2, 2, -0.1); // self-loop of 2 at lag 2
  const net = varNetwork(A, d, p);
  assertEquals(net.edges, [
    { from: 0, to: 1, weight: -0.5, lag: 2, lags: [1, 2] },
    { from: 1, to: 2, weight: 0.3, lag: 1, lags: [1] },
  ]);
  assertEquals(net.selfLoops.map((e) => [e.from, e.weight, e.lag]), [[0, 0.9, 1], [2, -0.1, 2]]);
  assertEquals(net.density, 2 / 6);
  assertEquals(varNetwork(A, d, p, { threshold: 0.25 }).edges.map((e) => e.lags), [[2], [1]]);
  assertThrows(() => varNetwork(A, d, 3), SparsedynError, { argument: "A" });
});
