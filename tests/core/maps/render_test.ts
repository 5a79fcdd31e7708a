// The colour map (lightness linear in the value, in gamut), the PNG (decoded back: size,
// colours where the map peaks, the colour bar, the labels) and the maps folder (float32
// NPY round trip, index, refused unless forced, never half-written).
import { colormap, lightness } from "../../../core/maps/colormap.ts";
import { formatLabel, renderMap, renderMapPng } from "../../../core/maps/png.ts";
import { checkMapsTarget, writeMaps } from "../../../core/maps/write_maps.ts";
import type { ContributionMaps } from "../../../core/maps/contribution.ts";
import { decodeNpy } from "../../../core/data/npy.ts";
import { SparsedynError } from "../../../core/errors.ts";
// deno-lint-ignore no-import-prefix
import { decode } from "npm:fast-png@8.0.0";
import { assert, assertEquals } from "../../_helpers/assert.ts";

Deno.test("colour map: L* rises linearly from 12 to 95 (within byte rounding)", () => {
  let prev = -1;
  for (let i = 0; i <= 255; i++) {
    const L = lightness(colormap(i / 255));
    const target = 12 + 83 * (i / 255);
    assert(Math.abs(L - target) < 1, `entry ${i}: L* ${L} vs ${target}`);
    assert(L > prev - 0.3, `monotone at ${i}`);
    prev = L;
  }
  assertEquals(colormap(-1), colormap(0));
  assertEquals(colormap(7), colormap(1));
  assertEquals(colormap(NaN), colormap(0));
});

Deno.test("the PNG decodes to the rendered image: peak in the top colour, bar, white labels", () => {
  const H = 8, W = 16;
  const map = new Float32Array(H * W);
  map[3 * W + 5] = 2; // the peak
  map[0] = -1; // drawn by magnitude
  const bg = Float32Array.from({ length: H * W }, (_, q) => q % W);
  const img = renderMap(map, bg, H, W);
  assertEquals(img.scale, 16); // 256 / 16
  assertEquals([img.min, img.max], [0, 2]);
  const png = decode(renderMapPng(map, bg, H, W));
  assertEquals([png.width, png.height, png.channels], [img.width, img.height, 3]);
  assertEquals(Array.from(png.data), Array.from(img.data));
  const at = (x: number, y: number) =>
    Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
  // The peak pixel (enlarged 16×, 4 px margin) is fully the top colour.
  assertEquals(at(4 + 5 * 16 + 8, 4 + 3 * 16 + 8), colormap(1));
  // |−1| is half the maximum: half the colour, half the grey background (0 at x = 0).
  const half = colormap(0.5).map((v) => Math.round(0.5 * v));
  assertEquals(at(4 + 8, 4 + 8), half);
  // Bar: top row the top colour, bottom row the bottom one.
  const bx = 4 + W * 16 + 6 + 5;
  assertEquals(at(bx, 4), colormap(1));
  assertEquals(at(bx, 4 + H * 16 - 1), colormap(0));
  // Labels "2" (top) and "0" (bottom) in white right of the bar.
  let white = 0;
  for (let q = 0; q < img.data.length; q += 3) {
    if (img.data[q] === 255 && img.data[q + 1] === 255 && img.data[q + 2] === 255) white++;
  }
  // "2" has 11 ink cells, "0" has 12, each 2×2 pixels.
  assertEquals(white, (11 + 12) * 4);
  assertEquals(formatLabel(2), "2");
  assertEquals(formatLabel(-3.14159e-7), "-3.14e-7");
});

function tinyMaps(): ContributionMaps {
  const H = 2, W = 3, d = 2, P = H * W;
  const ramp = Float32Array.from({ length: d * P }, (_, q) => q + 0.25);
  return {
    height: H,
    width: W,
    latents: d,
    lags: 1,
    sampled: [0, 1],
    steps: 4,
    saliency: { prediction: ramp, encoder: ramp.map((v) => 2 * v) },
    ig: { prediction: ramp.map((v) => -v), encoder: ramp },
    edges: [{ from: 1, to: 0, lag: 1, weight: -0.5 }],
    footprint: ramp.map((v) => v - 5),
    latentMean: new Float64Array(d),
    latentSd: new Float64Array(d).fill(1),
    completeness: { meanAbsError: 0.001, meanAbsChange: 1 },
  };
}

Deno.test("maps folder: float32 NPY round trip, index, edges, refused unless forced", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const maps = tinyMaps();
    const index = await writeMaps(dir, maps, new Float32Array(6), { edges: true });
    const a = decodeNpy(await Deno.readFile(`${dir}/maps/latent_1_saliency.npy`), "x");
    assertEquals(a.dtype, "<f4");
    assertEquals(a.shape, [2, 3]);
    assertEquals(Array.from(a.data), [6.25, 7.25, 8.25, 9.25, 10.25, 11.25]);
    // The edge map: |A| × the source's encoder map.
    const e = decodeNpy(await Deno.readFile(`${dir}/maps/edge_1_0_lag1_ig.npy`), "x");
    assertEquals(Array.from(e.data), [3.125, 3.625, 4.125, 4.625, 5.125, 5.625]);
    const all = decodeNpy(await Deno.readFile(`${dir}/maps/all_saliency.npy`), "x");
    assertEquals(all.data[0], 0.25 + 6.25);
    const f = decodeNpy(await Deno.readFile(`${dir}/maps/footprint_0.npy`), "x");
    assertEquals(f.data[0], -4.75); // signed
    const json = JSON.parse(await Deno.readTextFile(`${dir}/maps/maps.json`));
    assertEquals(json.maps.length, index.maps.length);
    // all + 2 latents + 2 encoders + 1 edge per method, and 2 footprints.
    assertEquals(index.maps.length, 2 * (1 + 2 + 2 + 1) + 2);
    for (const m of index.maps) {
      await Deno.stat(`${dir}/maps/${m.png}`);
      assert(m.summary.sum > 0, m.file);
    }
    // Existing maps/: refused (nothing changed), then replaced with force.
    const err = await writeMaps(dir, maps, new Float32Array(6)).then(() => null, (e) => e);
    assert(err instanceof SparsedynError && err.code === "IO" && err.message.includes("--force"));
    await checkMapsTarget(dir, true);
    const again = await writeMaps(dir, maps, new Float32Array(6), { force: true });
    assertEquals(again.maps.length, 2 * (1 + 2 + 2) + 2); // no edges this time
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assertEquals(names, ["maps"]); // no partial or old folder left
    assert(!(await Deno.stat(`${dir}/maps/edge_1_0_lag1_ig.npy`).then(() => true, () => false)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed write leaves no maps folder and no partial one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const maps = tinyMaps();
    // A background of the wrong size fails while rendering the first PNG.
    const err = await writeMaps(dir, maps, new Float32Array(5)).then(() => null, (e) => e);
    assert(err instanceof SparsedynError, String(err));
    assertEquals([...Deno.readDirSync(dir)].length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
