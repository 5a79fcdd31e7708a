// One builder of VAR design statistics: varStatistics is the same sums as the block
// statistics fitVar, cross-validation and order selection use (to the bit), both agree with
// the explicit design summed naively, and the VAR layer's window statistics are
// regressionStatistics of laggedDesign (to the bit), centred in place when asked.
import { assert, assertEquals } from "../../_helpers/assert.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { centre, laggedBlocks } from "../../../core/var/_lagged_blocks.ts";
import { laggedDesign, regressionStatistics, varStatistics } from "../../../core/var/design.ts";
import { windowStatistics } from "../../../core/model/var_layer.ts";

const CASES: [number, number, number][] = [[4, 2, 120], [5, 3, 90], [1, 1, 30], [7, 1, 64]];

function series(seed: number, T: number, d: number): Float64Array {
  return normals(uniform(seed), T * d).map((v, q) => v + (q % d) * 3); // means ≠ 0
}

function bitEqual(a: Float64Array, b: Float64Array, what: string) {
  assertEquals(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} ≠ ${b[i]}`);
  }
}

/** G, C, yᵀy of the explicit design rows, summed naively in float64 (the reference). */
function naive(z: Float64Array, T: number, d: number, p: number, center: boolean) {
  const n = T - p, m = p * d;
  const row = (t: number) => {
    const x = new Float64Array(m);
    for (let k = 1; k <= p; k++) {
      for (let j = 0; j < d; j++) x[(k - 1) * d + j] = z[(t - k) * d + j];
    }
    return { x, y: z.slice(t * d, t * d + d) };
  };
  const mx = new Float64Array(m), my = new Float64Array(d);
  if (center) {
    for (let t = p; t < T; t++) {
      const { x, y } = row(t);
      x.forEach((v, a) => (mx[a] += v / n));
      y.forEach((v, i) => (my[i] += v / n));
    }
  }
  const G = new Float64Array(m * m), C = new Float64Array(m * d), yty = new Float64Array(d);
  for (let t = p; t < T; t++) {
    const { x, y } = row(t);
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) G[a * m + b] += (x[a] - mx[a]) * (x[b] - mx[b]);
      for (let i = 0; i < d; i++) C[a * d + i] += (x[a] - mx[a]) * (y[i] - my[i]);
    }
    for (let i = 0; i < d; i++) yty[i] += (y[i] - my[i]) ** 2;
  }
  return { G, C, yty, mx, my };
}

function close(a: Float64Array, b: Float64Array, scale: number, what: string) {
  for (let i = 0; i < a.length; i++) {
    assert(Math.abs(a[i] - b[i]) <= 1e-10 * scale, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

Deno.test("varStatistics is the block statistics fitVar uses, bit for bit", () => {
  let seed = 3;
  for (const [d, p, T] of CASES) {
    const z = series(seed++, T, d);
    const s = varStatistics(z, T, d, p);
    const lb = laggedBlocks(z, T, d, p, p, [0, T - p]);
    const c = centre(lb, lb.blocks[0]);
    bitEqual(s.G, c.G, "G");
    bitEqual(s.C, c.C, "C");
    bitEqual(s.yty, c.yty, "yty");
    bitEqual(s.meanX, c.meanX, "meanX");
    assertEquals([s.n, s.m, s.d, s.p], [T - p, p * d, d, p]);
  }
});

Deno.test("varStatistics agrees with the explicit design summed naively, centred or not", () => {
  let seed = 11;
  for (const [d, p, T] of CASES) {
    const z = series(seed++, T, d);
    for (const center of [true, false]) {
      const s = varStatistics(z, T, d, p, { center });
      const r = naive(z, T, d, p, center);
      const scale = Math.max(...r.yty, ...r.G.map(Math.abs));
      close(s.G, r.G, scale, `G (center ${center})`);
      close(s.C, r.C, scale, `C (center ${center})`);
      close(s.yty, r.yty, scale, `yty (center ${center})`);
      if (center) close(s.meanY, r.my, 1, "meanY");
    }
  }
});

Deno.test("windowStatistics is regressionStatistics of laggedDesign; inPlace centres the design", () => {
  let seed = 21;
  for (const [d, p, T] of CASES) {
    const z = Float32Array.from(series(seed++, T, d)); // the layer reads float32 latents
    const w = windowStatistics(z, T, d, p);
    const { X, Y } = laggedDesign(z, T, d, p);
    const n = T - p, m = p * d;
    const copy = regressionStatistics(X, Y, n, m, d, { center: true });
    bitEqual(w.G, copy.G, "G");
    bitEqual(w.C, copy.C, "C");
    bitEqual(w.yty, copy.yty, "yty");
    bitEqual(w.yMean, copy.meanY, "ȳ");
    // Without inPlace the design is left as it was; with it, it becomes Xc and Yc.
    const X0 = X.slice();
    const inPlace = regressionStatistics(X, Y, n, m, d, { center: true, inPlace: true });
    bitEqual(inPlace.G, copy.G, "G in place");
    bitEqual(w.Xc, X, "Xc");
    bitEqual(w.Yc, Y, "Yc");
    for (let a = 0; a < m; a++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += X[t * m + a];
      assert(Math.abs(s) < 1e-9 * n, `column ${a} of Xc sums to ${s}`);
    }
    assert(X0.some((v, i) => v !== X[i]), "inPlace changed X");
    const r = naive(Float64Array.from(z), T, d, p, true);
    close(w.G, r.G, Math.max(...r.G.map(Math.abs)), "G vs naive");
  }
});
