// The PNG writer (native zlib) against an independent decoder (fast-png): random images of
// several shapes come back byte for byte, and a buffer of the wrong size is a typed error.
import { encodeRgbPng } from "../../../core/maps/png_encode.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { uniform } from "../../../core/data/random.ts";
// deno-lint-ignore no-import-prefix
import { decode } from "npm:fast-png@8.0.0";
import { assert, assertEquals, assertRejects } from "../../_helpers/assert.ts";

Deno.test("encodeRgbPng: random images decode back byte for byte", async () => {
  const u = uniform(3);
  for (const [w, h] of [[1, 1], [3, 7], [264, 342], [1000, 2]]) {
    const rgb = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(u() * 256));
    const png = decode(await encodeRgbPng(rgb, w, h));
    assertEquals([png.width, png.height, png.channels, png.depth], [w, h, 3, 8]);
    assert(Array.from(png.data).every((v, i) => v === rgb[i]), `${w}×${h} pixels`);
  }
});

Deno.test("encodeRgbPng: a buffer that is not width×height×3 is refused", async () => {
  await assertRejects(() => encodeRgbPng(new Uint8Array(11), 2, 2), SparsedynError, "2×2×3");
});
