// Per-window map features: where a window's frames equal the baseline, IG is exactly zero,
// so activity confined to one corner in one window and another corner in the other shows
// up in those grid cells only; the features equal the downsampled maps of each window.
import { windowMapFeatures } from "../../../core/maps/window_features.ts";
import { contributionMaps } from "../../../core/maps/contribution.ts";
import { createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { tf } from "../../../core/model/tf.ts";
import { uniform } from "../../../core/data/random.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertAlmostEquals, assertEquals } from "../../_helpers/assert.ts";

await tf.setBackend("cpu");

const S = 16, P = S * S, L = 12;

Deno.test("window map features sit where each window's frames move", async () => {
  const cae = createCae(defaultCaeConfig(S, S), 2);
  try {
    const d = cae.latentSize;
    const u = uniform(4);
    const base = Float32Array.from({ length: P }, () => u() - 0.5);
    const frames = new Float32Array(2 * L * P);
    for (let t = 0; t < 2 * L; t++) {
      frames.set(base, t * P);
      // Window 0 moves in the top-left 8×8 block, window 1 in the bottom-right one.
      const off = t < L ? 0 : 8;
      for (let y = off; y < off + 8; y++) {
        for (let x = off; x < off + 8; x++) {
          frames[t * P + y * S + x] += Math.sin(t * 1.7 + y + 2 * x);
        }
      }
    }
    const A = [
      Array.from(
        { length: d },
        (_, i) =>
          Array.from({ length: d }, (_, j) => (i === j ? 0.6 : j === (i + 1) % d ? 0.3 : 0)),
      ),
    ];
    const windows = [{ start: 0, length: L }, { start: L, length: L }];
    const f = await windowMapFeatures(cae, frames, windows, base, {
      var: { A, lags: 1 },
      downsample: 8,
      framesPerWindow: 4,
      steps: 4,
    });
    assertEquals([f.N, f.q, f.height, f.width], [2, 4, 2, 2]);
    const row = (n: number) => Array.from(f.features.subarray(n * 4, n * 4 + 4));
    assert(row(0)[0] > 0 && row(0).slice(1).every((v) => v === 0), `window 0: ${row(0)}`);
    assert(row(1)[3] > 0 && row(1).slice(0, 3).every((v) => v === 0), `window 1: ${row(1)}`);
    // Window 1's bottom-right cell: the block mean of its own maps' sum over latents.
    const own = await contributionMaps(
      cae,
      frames.subarray(L * P),
      L,
      { A, lags: 1 },
      base,
      { method: "ig", frames: 4, steps: 4, footprints: false },
    );
    let s = 0;
    for (let i = 0; i < d; i++) {
      for (let y = 8; y < 16; y++) {
        for (let x = 8; x < 16; x++) s += own.ig!.prediction[i * P + y * S + x];
      }
    }
    assertAlmostEquals(row(1)[3], s / 64, 1e-6 * s);
    // Each window's own VAR (lasso, BIC) by default: same layout.
    const g = await windowMapFeatures(cae, frames, windows, base, {
      downsample: 8,
      framesPerWindow: 2,
      steps: 2,
    });
    assertEquals(g.features.length, 8);
    assert(g.features.every(Number.isFinite));
  } finally {
    tf.dispose(Object.values(cae.variables));
  }
});

Deno.test("window map features refuse windows past the movie or too short for the VAR", async () => {
  const cae = createCae(defaultCaeConfig(S, S), 2);
  try {
    const frames = new Float32Array(20 * P), mean = new Float32Array(P);
    for (
      const [w, arg] of [[{ start: 15, length: 10 }, "windows[0]"], [
        { start: 0, length: 2 },
        "windows[0]",
      ]] as const
    ) {
      const err = await windowMapFeatures(cae, frames, [w], mean).then(() => null, (e) => e);
      assert(err instanceof SparsedynError && err.argument === arg, String(err));
    }
  } finally {
    tf.dispose(Object.values(cae.variables));
  }
});
