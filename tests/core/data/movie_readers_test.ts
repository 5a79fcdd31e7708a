// Every reader against files written by the reference tools (tifffile, libtiff's tiffcp,
// h5py, numpy; fixtures/movies/make_movie_fixtures.py): each pixel must equal the value
// rule of manifest.json, whatever the compression, layout, byte order or dtype.
import { openMovie } from "../../../core/data/movie.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

const dir = new URL("../../../fixtures/movies/", import.meta.url).pathname;
interface Entry {
  format: string;
  frames: number;
  height: number;
  width: number;
  dtype: string;
  M: number;
  S: number;
  O: number;
  rate?: number;
  channel?: number;
  plane?: number;
  channels?: number;
  planes?: number;
  expected_from?: "pages";
  stride?: number;
  offset?: number;
  options?: Record<string, number>;
}
const manifest = JSON.parse(await Deno.readTextFile(`${dir}manifest.json`)) as {
  files: Record<string, Entry>;
};

/** The value rule, cast like numpy casts (integer dtypes truncate toward zero). */
function expected(e: Entry, t: number, q: number): number {
  const px = e.height * e.width;
  // For channel/plane selections the rule runs over the pages of the file.
  const page = e.expected_from === "pages" ? t * e.stride! + e.offset! : t;
  const i = page * px + q;
  const v = ((i * 7 + 3) % e.M) * e.S + e.O;
  return e.dtype.startsWith("float") ? (e.dtype === "float32" ? Math.fround(v) : v) : Math.trunc(v);
}

for (const [name, e] of Object.entries(manifest.files)) {
  Deno.test(`openMovie() reads ${name} (${e.format}, ${e.dtype}) pixel for pixel`, async () => {
    const options = {
      ...e.options,
      ...(e.channel !== undefined ? { channel: e.channel } : {}),
      ...(e.plane !== undefined ? { plane: e.plane } : {}),
    };
    const m = await openMovie(dir + name, options);
    try {
      assertEquals([m.frames, m.height, m.width], [e.frames, e.height, e.width], "shape");
      assertEquals(m.dtype, e.dtype, "dtype");
      assertEquals(m.format, e.format, "format");
      if (e.rate !== undefined) {
        assert(Math.abs(m.rate! - e.rate) < 1e-9, `rate ${m.rate} vs ${e.rate}`);
      }
      if (e.channels !== undefined) {
        assertEquals(
          [m.metadata.channels, m.metadata.planes],
          [e.channels, e.planes],
          "channels × planes",
        );
      }
      // Whole movie, then a window in the middle: both agree with the rule.
      const all = await m.read(0, m.frames);
      const px = m.height * m.width;
      for (let t = 0; t < m.frames; t++) {
        for (let q = 0; q < px; q++) {
          const want = expected(e, t, q);
          if (all[t * px + q] !== Math.fround(want)) {
            throw new Error(
              `${name}: frame ${t} pixel ${q} = ${all[t * px + q]}, expected ${want}`,
            );
          }
        }
      }
      const mid = await m.read(1, 2);
      assertEquals(
        Array.from(mid),
        Array.from(all.subarray(px, 3 * px)),
        "read(1, 2) is frames 1 and 2",
      );
      let err: unknown;
      try {
        await m.read(m.frames - 1, 2);
      } catch (x) {
        err = x;
      }
      assert(
        err instanceof SparsedynError && err.code === "INVALID_ARGUMENT",
        "a range past the end is refused",
      );
    } finally {
      m.close();
    }
  });
}
