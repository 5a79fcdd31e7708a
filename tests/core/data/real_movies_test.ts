// The real recordings of ../shared/data (other labs' files, not part of this repository):
// every one opens through openMovie with the shape and pixel statistics that
// PROVENANCE.md records (computed there with Python's tifffile / h5py).
import { openMovie } from "../../../core/data/movie.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

const DATA = Deno.env.get("SPARSEDYN_DATA") ??
  new URL("../../../../shared/data/", import.meta.url).pathname;
const provenance = await Deno.readTextFile(`${DATA}/PROVENANCE.md`).catch(() => undefined);

interface Row {
  file: string;
  shape: number[];
  dtype: string;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** The frame rate, where the description states one ("rate 5.56 Hz", "fs = 10 Hz"). */
  rate?: number;
}

function rows(md: string): Row[] {
  const out: Row[] = [];
  for (const line of md.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 9 || !/\.(tif|tiff|nwb|h5|npy|bin)$/.test(cells[1])) continue;
    const m = /^(\d+) × (\d+) × (\d+) (\w+)$/.exec(cells[3]);
    if (!m) continue;
    out.push({
      file: cells[1],
      shape: [Number(m[1]), Number(m[2]), Number(m[3])],
      dtype: m[4],
      min: Number(cells[4]),
      max: Number(cells[5]),
      mean: Number(cells[6]),
      std: Number(cells[7]),
      rate: Number(/(?:rate|fs =) ([\d.]+) Hz/.exec(cells[2])?.[1]) || undefined,
    });
  }
  return out;
}

const table = provenance ? rows(provenance) : [];
Deno.test({
  name: `the real recordings' table is found (${DATA})`,
  ignore: provenance === undefined,
  fn() {
    assert(table.length >= 7, `${table.length} movies listed`);
  },
});
for (const r of table) {
  Deno.test(`openMovie() reads the real recording ${r.file} with its recorded shape and statistics`, async () => {
    const m = await openMovie(`${DATA}/${r.file}`);
    try {
      assertEquals([m.frames, m.height, m.width], r.shape, "shape");
      assertEquals(m.dtype, r.dtype, "dtype");
      if (r.rate !== undefined) assertEquals(m.rate, r.rate, "frame rate");
      // Streamed in chunks of 50 frames, as any long recording would be.
      let mn = Infinity, mx = -Infinity, s = 0, s2 = 0, n = 0;
      for (let t = 0; t < m.frames; t += 50) {
        const chunk = await m.read(t, Math.min(50, m.frames - t));
        for (const v of chunk) {
          if (v < mn) mn = v;
          if (v > mx) mx = v;
          s += v;
          s2 += v * v;
          n++;
        }
      }
      const mean = s / n, std = Math.sqrt(s2 / n - mean * mean);
      assertEquals([mn, mx], [r.min, r.max], "min and max");
      // PROVENANCE.md rounds to 4 decimals.
      assert(Math.abs(mean - r.mean) <= 6e-5, `mean ${mean} vs ${r.mean}`);
      assert(Math.abs(std - r.std) <= 6e-5 + 1e-9 * r.std, `std ${std} vs ${r.std}`);
    } finally {
      m.close();
    }
  });
}
