// The default depth fits the window VAR (p·d < L − p): 128×128 and 100×100 frames get deeper
// encoders, 32×32 frames keep three layers, and a map is never made smaller than a pixel.
import { chooseModelSize, latentCount, sizedChannels } from "../../../core/train/latent_size.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";

Deno.test("sizedChannels: deepens until p·d < L − p, on real frame sizes", () => {
  const base = [16, 32, 32];
  for (
    const [H, W, p, L, layers] of [
      [32, 32, 1, 64, 3], // 4×4×2 = 32 < 63: unchanged
      [64, 64, 1, 64, 4], // 8×8×2 = 128 → 4×4×2 = 32
      [128, 128, 1, 64, 5], // 512 → 128 → 32
      [100, 100, 1, 64, 5], // 12×12×2 = 288 → 6×6×2 = 72 → 3×3×2 = 18
      [202, 201, 2, 64, 6], // p = 2: 2·d < 62 → 3×3×2 = 18
      [32, 24, 1, 16, 4], // windows of 16: 4×3×2 = 24 → 2×1×2 = 4
    ] as const
  ) {
    const c = sizedChannels(base, 2, 2, H, W, p, L);
    assertEquals(c.length, layers, `${H}×${W}, p ${p}, L ${L}: ${c}`);
    assert(p * latentCount(c.length, 2, 2, H, W) < L - p, `${H}×${W} fits`);
    assertEquals(c.slice(0, 3), base);
  }
});

Deno.test("sizedChannels: stride 1 and tiny frames are left alone", () => {
  assertEquals(sizedChannels([8], 1, 2, 128, 128, 1, 64), [8]);
  // 8×8 frames: three layers give 1×1; a fourth would go below a pixel.
  assertEquals(sizedChannels([16, 32, 32], 2, 40, 8, 8, 1, 16), [16, 32, 32]);
});

// The real movies' shapes (frames, height, width) with every setting left to its default:
// the chosen latents and window satisfy p·d < L − p, which the old defaults did not
// (svoboda 128 latents, allen 288, neurofinder 512 for windows of 64).
const movies: [string, number, number, number][] = [
  ["svoboda", 500, 64, 64],
  ["allen", 100, 100, 100],
  ["neurofinder", 600, 128, 128],
  ["inscopix", 200, 35, 29],
  ["fissa", 29, 21, 14],
  ["miniscope 7-16", 1886, 196, 200],
];
const base = { channels: [16, 32, 32], stride: 2, latentChannels: 2 };

Deno.test("chooseModelSize: the defaults fit p·d < L − p on the real movies' shapes", () => {
  for (const [name, T, H, W] of movies) {
    for (const p of [1, 2, 3]) {
      const s = chooseModelSize({ ...base, height: H, width: W, frames: T, lags: p });
      assert(s.fits, `${name}, p = ${p}: ${s.line}`);
      assert(p * s.latents < s.windowLength - p, `${name}, p = ${p}: ${s.line}`);
      assert(s.windowLength <= T, `${name}: window within the movie`);
      assertEquals(s.latents, latentCount(s.channels.length, 2, 2, H, W));
      assert(s.line.includes(`${s.latents} latents`) && s.line.includes("<"), s.line);
    }
  }
  const at = (T: number, H: number, W: number) =>
    chooseModelSize({ ...base, height: H, width: W, frames: T, lags: 1 });
  assertEquals([at(500, 64, 64).latents, at(500, 64, 64).windowLength], [32, 64]);
  assertEquals([at(100, 100, 100).latents, at(100, 100, 100).windowLength], [18, 64]);
  assertEquals([at(29, 21, 14).latents, at(29, 21, 14).windowLength], [4, 29]);
});

Deno.test("chooseModelSize: --latents picks the depth and grows the window to fit", () => {
  const svoboda = { ...base, height: 64, width: 64, frames: 500, lags: 1 };
  const s = chooseModelSize({ ...svoboda, latents: 128 });
  assertEquals([s.channels.length, s.latents, s.windowLength, s.fits], [3, 128, 130, true]);
  assert(s.line.includes("--latents 128"), s.line);
  // A window given with it is kept, and the line says the VAR does not fit.
  const given = chooseModelSize({ ...svoboda, latents: 128, windowLength: 64 });
  assertEquals([given.windowLength, given.fits], [64, false]);
  assert(given.line.includes("≥ 63"), given.line);
  // More latents than the default depth gives: fewer layers.
  assertEquals(chooseModelSize({ ...svoboda, latents: 512 }).channels, [16, 32]);
  // A short movie caps the window.
  const short = chooseModelSize({ ...svoboda, frames: 100, latents: 128 });
  assertEquals([short.windowLength, short.fits], [100, false]);
  const err = assertThrows(() => chooseModelSize({ ...svoboda, latents: 100 }), SparsedynError);
  assertEquals(err.argument, "latents");
  assert(err.message.includes("possible: 2048, 512, 128, 32, 8, 2"), err.message);
});

Deno.test("chooseModelSize: frames too small to deepen get a longer window instead", () => {
  // 8×8 frames with 40 latent channels: 1×1×40 = 40 latents at the deepest; with p = 2,
  // 2·40 = 80 ≥ 64 − 2, so the window grows to 2·40 + 2 + 1 = 83 frames.
  const s = chooseModelSize({
    ...base,
    latentChannels: 40,
    height: 8,
    width: 8,
    frames: 300,
    lags: 2,
  });
  assertEquals([s.latents, s.windowLength, s.fits], [40, 83, true]);
  // Channels given by the user are kept as they are.
  const kept = chooseModelSize({
    ...base,
    channelsGiven: true,
    height: 64,
    width: 64,
    frames: 500,
    lags: 1,
  });
  assertEquals([kept.latents, kept.windowLength, kept.fits], [128, 64, false]);
});
