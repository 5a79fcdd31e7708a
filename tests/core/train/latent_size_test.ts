// The default depth fits the window VAR (p·d < L − p): 128×128 and 100×100 frames get deeper
// encoders, 32×32 frames keep three layers, and a map is never made smaller than a pixel.
import { latentCount, sizedChannels } from "../../../core/train/latent_size.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

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
