// The network view's data at 128 latents: the top-k edges against a brute-force ranking of
// every off-diagonal coefficient, the latents the network shows, and the coefficients the
// page fetches (/api/run/var) against var.json.
import { decodeNpy } from "../../core/data/npy.ts";
import { startDashboard } from "../../server/app.ts";
import { coefficientsFromNpy, networkNodes, topEdges } from "../../server/islands/Dynamics.tsx";
import { parseNpyF32 } from "../../server/islands/_npy.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { writeSynthRun } from "../bench/_dashboard_runs.ts";

Deno.test("topEdges: the k largest |A_k[i][j]|, i ≠ j, above the threshold, at 128 latents and 3 lags", async () => {
  const root = await Deno.makeTempDir({ prefix: "sparsedyn-topk-" });
  try {
    await writeSynthRun(`${root}/w`, { T: 200, d: 128, lags: 3 });
    const A: number[][][] = JSON.parse(await Deno.readTextFile(`${root}/w/var.json`)).A;
    // Reference: every off-diagonal non-zero, sorted by magnitude.
    const all: [number, number, number, number][] = [];
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 128; i++) {
        for (let j = 0; j < 128; j++) {
          if (i !== j && A[k][i][j] !== 0) all.push([k, i, j, A[k][i][j]]);
        }
      }
    }
    all.sort((a, b) => Math.abs(b[3]) - Math.abs(a[3]));
    assert(all.length > 100, `enough edges to rank (${all.length})`);
    for (const k of [1, 7, 40]) {
      const got = topEdges(A, 0, k);
      assertEquals(got.length, k);
      assertEquals(got.map((e) => Math.abs(e.weight)), all.slice(0, k).map((e) => Math.abs(e[3])));
      for (const e of got) assertEquals(A[e.lag - 1][e.to][e.from], e.weight);
    }
    const thr = Math.abs(all[30][3]);
    const above = topEdges(A, thr, 1000);
    assertEquals(above.length, all.filter((e) => Math.abs(e[3]) > thr).length);
    assertEquals(topEdges(A, 0, 0), []);
    // The network shows only the latents the edges join (beyond 24 latents).
    const five = topEdges(A, 0, 5);
    assertEquals(
      networkNodes(five, 128),
      [...new Set(five.flatMap((e) => [e.from, e.to]))].sort((a, b) => a - b),
    );
    assertEquals(networkNodes([], 8), [0, 1, 2, 3, 4, 5, 6, 7]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("serve: /api/run/var holds var.json's coefficients (sparse rows or dense), read back exactly; the page does not carry them", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "sparsedyn-var-" }));
  const server = await startDashboard({ root, port: 0 });
  try {
    await writeSynthRun(`${root}/w`, { T: 200, d: 128, lags: 2 });
    const A: number[][][] = JSON.parse(await Deno.readTextFile(`${root}/w/var.json`)).A;
    const res = await fetch(`${server.url}api/run/var?name=w`);
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("x-var-shape"), "2,128,128");
    const bytes = new Uint8Array(await res.arrayBuffer());
    // Sparse: (k, i, j, A) rows, one per non-zero coefficient.
    const nonZero = A.flat(2).filter((w) => w !== 0).length;
    assertEquals(decodeNpy(bytes, "var").shape, [nonZero, 4]);
    assert(bytes.length < 2 * 128 * 128 * 4 / 4, `sparse rows are smaller (${bytes.length} B)`);
    const got = coefficientsFromNpy(parseNpyF32(bytes.buffer), [2, 128, 128]);
    for (let k = 0; k < 2; k++) {
      for (let i = 0; i < 128; i++) {
        for (let j = 0; j < 128; j++) assertEquals(got[k][i][j], Math.fround(A[k][i][j]));
      }
    }
    // A dense VAR goes as the [p, d, d] array, read back the same way.
    const dense = [[[0.5, -0.25], [0.125, 1]]];
    await writeSynthRun(`${root}/dense`, { T: 20, d: 2, lags: 1 });
    const v = JSON.parse(await Deno.readTextFile(`${root}/dense/var.json`));
    await Deno.writeTextFile(`${root}/dense/var.json`, JSON.stringify({ ...v, A: dense }));
    const dres = await fetch(`${server.url}api/run/var?name=dense`);
    const dbytes = new Uint8Array(await dres.arrayBuffer());
    assertEquals(decodeNpy(dbytes, "var").shape, [1, 2, 2]);
    assertEquals(coefficientsFromNpy(parseNpyF32(dbytes.buffer), [1, 2, 2]), dense);
    const page = await (await fetch(`${server.url}run?name=w`)).text();
    assert(page.length < 120_000, `run page ${page.length} bytes`);
    assertEquals((await fetch(`${server.url}api/run/var?name=nope`)).status, 404);
    await Deno.writeTextFile(`${root}/w/var.json`, "{ cut");
    const bad = await fetch(`${server.url}api/run/var?name=w`);
    assertEquals(bad.status, 404);
    assert((await bad.json()).error.includes("var.json"), "names the file");
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});
