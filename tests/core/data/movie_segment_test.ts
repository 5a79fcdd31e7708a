// FILE[start:end] segments: every reader opens a range of a movie's frames, and a range
// that does not fit is an error naming the file.
import { openMovie } from "../../../core/data/movie.ts";
import { parseMovieSegment } from "../../../core/data/movie_segment.ts";
import { encodeNpy } from "../../../core/data/npy.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

async function movieFile(): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/m.npy`;
  await Deno.writeFile(
    path,
    encodeNpy(Float64Array.from({ length: 10 * 6 }, (_, i) => i), [10, 2, 3]),
  );
  return { dir, path };
}

Deno.test("parseMovieSegment: Python's slices, plain paths, empty ranges refused", () => {
  assertEquals(parseMovieSegment("a.tif"), { path: "a.tif" });
  assertEquals(parseMovieSegment("a.tif[2:5]"), { path: "a.tif", start: 2, end: 5 });
  assertEquals(parseMovieSegment("a.tif[:5]"), { path: "a.tif", start: undefined, end: 5 });
  assertEquals(parseMovieSegment("dir/a b.npy[ 3 : ]"), {
    path: "dir/a b.npy",
    start: 3,
    end: undefined,
  });
  let err: unknown;
  try {
    parseMovieSegment("a.tif[5:5]");
  } catch (e) {
    err = e;
  }
  assert(err instanceof SparsedynError && err.code === "INVALID_ARGUMENT", String(err));
});

Deno.test("openMovie(FILE[start:end]) reads exactly those frames of the file", async () => {
  const { dir, path } = await movieFile();
  try {
    const whole = await openMovie(path);
    const all = await whole.read(0, 10);
    whole.close();
    for (
      const [arg, start, end] of [[`${path}[2:5]`, 2, 5], [`${path}[7:]`, 7, 10], [
        `${path}[:3]`,
        0,
        3,
      ]] as const
    ) {
      const m = await openMovie(arg);
      assertEquals([m.frames, m.height, m.width, m.path], [end - start, 2, 3, arg]);
      assertEquals(
        Array.from(await m.read(0, end - start)),
        Array.from(all.subarray(start * 6, end * 6)),
      );
      assertEquals(
        Array.from(await m.read(1, 1)),
        Array.from(all.subarray((start + 1) * 6, (start + 2) * 6)),
      );
      let err: unknown;
      try {
        await m.read(end - start - 1, 2); // past the segment's end, though inside the file
      } catch (e) {
        err = e;
      }
      assert(err instanceof SparsedynError && err.code === "INVALID_ARGUMENT", String(err));
      m.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openMovie(FILE[start:end]) past the movie's end names the file and its length", async () => {
  const { dir, path } = await movieFile();
  try {
    let err: unknown;
    try {
      await openMovie(`${path}[4:11]`);
    } catch (e) {
      err = e;
    }
    assert(err instanceof SparsedynError && err.code === "INVALID_ARGUMENT", String(err));
    assert(err.message.includes("has 10 frames") && err.file === path, err.message);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
