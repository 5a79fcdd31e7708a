// lassoPath() / larsPath() against scikit-learn 1.2's lars_path_gram (fixtures made by
// fixtures/make_lars_fixtures.py), and against the KKT conditions, which hold for any
// correct lasso path whatever produced the reference.
import { larsPath, lassoPath, pathAt, SparsedynError } from "../../../mod.ts";
import { gram, normals, rng } from "../../_helpers/random.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

interface Case {
  name: string;
  note: string;
  method: "lar" | "lasso";
  n: number;
  m: number;
  alpha_min: number;
  G: number[];
  c: number[];
  alphas: number[];
  active: number[];
  coefs: number[][];
  duplicates: [number, number][];
  lar_sign_change_at: number | null;
  ols: number[] | null;
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../../../fixtures/lars_sklearn.json", import.meta.url)),
) as { sklearn: string; cases: Case[] };

// "Equal to 1e-8 relative": |ours − theirs| ≤ 1e-8·|theirs| + 1e-12·scale, where the
// scale (λ₀ for breakpoints, the column's largest |β| along the path for coefficients)
// absorbs quantities that are zero in exact arithmetic: both implementations end a
// path at λ ≈ 1e-16·λ₀, and neither value there has a relative meaning.
const REL = 1e-8, ABS = 1e-12;

/** Exact copies are interchangeable: fold the copy's coefficient into the original. */
function canonical(coefs: number[][], active: number[], dups: [number, number][]) {
  const cf = coefs.map((row) => row.slice());
  for (const row of cf) {
    for (const [a, b] of dups) {
      row[a] += row[b];
      row[b] = 0;
    }
  }
  const act = active.map((j) => dups.find(([, b]) => b === j)?.[0] ?? j);
  return { cf, act };
}

/** KKT of the lasso (and equicorrelation of LAR) at every breakpoint of our path. */
function checkKkt(c: Case, lambdas: Float64Array, coefs: Float64Array) {
  const { m, n, G } = c;
  const lam0 = lambdas[0];
  for (let k = 0; k < lambdas.length; k++) {
    const b = coefs.subarray(k * m, (k + 1) * m);
    const l = lambdas[k];
    for (let j = 0; j < m; j++) {
      let r = c.c[j];
      for (let i = 0; i < m; i++) r -= G[j * m + i] * b[i];
      r /= n;
      const tol = 1e-9 * lam0;
      if (G[j * m + j] === 0) continue;
      assert(Math.abs(r) <= l + tol, `${c.name}: |r_${j}| = ${Math.abs(r)} > λ_${k} = ${l}`);
      if (b[j] !== 0) {
        assert(
          Math.abs(Math.abs(r) - l) <= tol,
          `${c.name}: active ${j} has |r| = ${Math.abs(r)} ≠ λ_${k} = ${l}`,
        );
        if (c.method === "lasso" && l > tol) {
          assert(Math.sign(r) === Math.sign(b[j]), `${c.name}: sign of β_${j} at ${k}`);
        }
      }
    }
  }
}

for (const c of fixture.cases) {
  Deno.test(`${c.method === "lar" ? "larsPath" : "lassoPath"}() matches scikit-learn ${fixture.sklearn}: ${c.name} (${c.note})`, () => {
    const fn = c.method === "lar" ? larsPath : lassoPath;
    const path = fn(Float64Array.from(c.G), Float64Array.from(c.c), c.n, {
      lambdaMin: c.alpha_min,
    });
    const { m } = c;
    // Compare up to scikit-learn's first LAR sign change (see the fixture script).
    const upto = c.lar_sign_change_at ?? c.alphas.length - 1;
    const ours = canonical(
      Array.from(
        { length: path.lambdas.length },
        (_, k) => Array.from(path.coefs.subarray(k * m, (k + 1) * m)),
      ),
      Array.from(path.active),
      c.duplicates,
    );
    const ref = canonical(c.coefs, c.active, c.duplicates);
    if (c.lar_sign_change_at === null) {
      assertEquals(path.lambdas.length, c.alphas.length, `${c.name}: number of breakpoints`);
      assertEquals(ours.act, ref.act, `${c.name}: active set in order of entry`);
    } else {
      assert(path.lambdas.length > upto, `${c.name}: path shorter than the compared prefix`);
    }
    const lam0 = c.alphas[0];
    for (let k = 0; k <= upto; k++) {
      const d = Math.abs(path.lambdas[k] - c.alphas[k]);
      assert(
        d <= REL * Math.abs(c.alphas[k]) + ABS * lam0,
        `${c.name}: λ_${k} = ${path.lambdas[k]} vs ${c.alphas[k]} (|diff| ${d})`,
      );
    }
    const bad: string[] = [];
    const last = path.lambdas.length - 1;
    // The endpoint of a full path with n > m is least squares; where the fixture has the
    // exact solution, that is the reference for the last breakpoint (lars_path_gram adds
    // up its steps and can lose a digit there: 1.4e-8 in column-scaled-1e-8/lasso).
    let exactEnd = false;
    if (c.ols && upto === last && path.lambdas[last] === 0) {
      exactEnd = true;
      for (let j = 0; j < m; j++) {
        const d = Math.abs(ours.cf[last][j] - c.ols[j]);
        if (!(d <= 1e-10 * Math.abs(c.ols[j]) + 1e-13)) {
          bad.push(`β_${j} at the end = ${ours.cf[last][j]} vs least squares ${c.ols[j]}`);
        }
      }
    }
    for (let j = 0; j < m; j++) {
      let scale = 0;
      for (let k = 0; k <= upto; k++) scale = Math.max(scale, Math.abs(ref.cf[k][j]));
      for (let k = 0; k <= (exactEnd ? upto - 1 : upto); k++) {
        const d = Math.abs(ours.cf[k][j] - ref.cf[k][j]);
        if (!(d <= REL * Math.abs(ref.cf[k][j]) + ABS * scale)) {
          bad.push(
            `β_${j} at breakpoint ${k} = ${ours.cf[k][j]} vs ${ref.cf[k][j]} (rel ${
              (d / Math.abs(ref.cf[k][j])).toExponential(2)
            })`,
          );
        }
      }
    }
    assert(bad.length === 0, `${c.name}: ${bad.length} coefficients differ:\n${bad.join("\n")}`);
    checkKkt(c, path.lambdas, path.coefs);
    // Between breakpoints the path is linear: pathAt at a midpoint is the mean.
    for (let k = 0; k + 1 < path.lambdas.length; k++) {
      const mid = (path.lambdas[k] + path.lambdas[k + 1]) / 2;
      if (!(mid < path.lambdas[k] && mid > path.lambdas[k + 1])) continue;
      const b = pathAt(path, mid);
      for (let j = 0; j < m; j++) {
        const want = (path.coefs[k * m + j] + path.coefs[(k + 1) * m + j]) / 2;
        assert(
          Math.abs(b[j] - want) <= 1e-12 * (1 + Math.abs(want)),
          `${c.name}: pathAt midpoint ${k}`,
        );
      }
    }
  });
}

Deno.test("lassoPath() gives the same bits whatever ran before it (the core's workspace is reused)", () => {
  // Regression: a drop once read entries of the factor left over from an earlier, larger
  // problem, so results depended on call history.
  const small = fixture.cases.find((c) => c.name === "many-drops/lasso")!;
  const big = fixture.cases.find((c) => c.name === "well-conditioned-40/lasso")!;
  const run = (c: Case) => lassoPath(Float64Array.from(c.G), Float64Array.from(c.c), c.n);
  const first = run(small);
  run(big);
  const again = run(small);
  assertEquals(Array.from(again.lambdas), Array.from(first.lambdas), "breakpoints");
  assertEquals(Array.from(again.coefs), Array.from(first.coefs), "coefficients");
});

Deno.test("lassoPath() refuses a regressor in the span of the active set and goes on as without it", () => {
  // Column 5 = x0 + 0.5·x1 − x2 up to 1e-7: whichever of the four comes last finds a
  // Cholesky pivot ~1e-14 of its norm, far below degenerateTolerance (1e-10). Refused, it
  // never enters, so the path is the one of the design without it; the refusal is counted.
  const n = 50, m = 6, u = rng(7);
  const X = normals(u, n * m);
  for (let t = 0; t < n; t++) {
    X[t * m + 5] = X[t * m] + 0.5 * X[t * m + 1] - X[t * m + 2] + 1e-7 * X[t * m + 5];
  }
  const y = normals(u, n);
  for (let t = 0; t < n; t++) y[t] += X[t * m + 3] - X[t * m + 5];
  const { G, C } = gram(X, y, n, m, 1);
  for (const fn of [lassoPath, larsPath]) {
    const full = fn(G, C, n);
    assert(full.degenerate >= 1, "the refusal is counted");
    assert(full.coefs.every(Number.isFinite), "finite path");
    const out = [0, 1, 2, 5].filter((j) => full.coefs.every((v, k) => k % m !== j || v === 0));
    assertEquals(out.length, 1, "exactly one of the dependent columns stays out");
    const keep = [0, 1, 2, 3, 4, 5].filter((j) => j !== out[0]);
    const G5 = new Float64Array(25), c5 = new Float64Array(5);
    keep.forEach((a, i) => {
      c5[i] = C[a];
      keep.forEach((b, j) => (G5[i * 5 + j] = G[a * m + b]));
    });
    const reduced = fn(G5, c5, n);
    assertEquals(full.lambdas.length, reduced.lambdas.length, "same breakpoints");
    for (let k = 0; k < full.lambdas.length; k++) {
      assert(Math.abs(full.lambdas[k] - reduced.lambdas[k]) <= 1e-12 * full.lambdas[0], `λ_${k}`);
      keep.forEach((a, i) => {
        const x = full.coefs[k * m + a], z = reduced.coefs[k * 5 + i];
        assert(Math.abs(x - z) <= 1e-9 * (1 + Math.abs(z)), `β_${a} at ${k}: ${x} vs ${z}`);
      });
    }
  }
});

Deno.test("pathAt() refuses λ below the end of a path that was stopped early", () => {
  const c = fixture.cases.find((c) => c.name === "well-conditioned/lasso")!;
  const path = lassoPath(Float64Array.from(c.G), Float64Array.from(c.c), c.n, { maxSteps: 3 });
  assertEquals(path.stop, "maxSteps");
  const last = path.lambdas[path.lambdas.length - 1];
  assertEquals(
    Array.from(pathAt(path, last)),
    Array.from(path.coefs.slice(3 * c.m)),
    "the last breakpoint itself",
  );
  let threw = false;
  try {
    pathAt(path, last / 2);
  } catch (e) {
    threw = e instanceof SparsedynError && e.argument === "lambda";
  }
  assert(threw, "below the stopped path: a typed error");
  assertEquals(Array.from(pathAt(path, 1e9)), new Array(c.m).fill(0), "above λ₀: zero");
});
