// A condition test's inputs from files: segments are the file's frames, each file is read
// and encoded once, and errors name the group and the file.
import { assert, assertEquals } from "../../_helpers/assert.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { encodeNpy } from "../../../core/data/npy.ts";
import { nameInputError, readConditionInputs } from "../../../core/stats/condition_inputs.ts";

async function error(p: Promise<unknown>): Promise<SparsedynError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SparsedynError) return err;
    throw err;
  }
  throw new Error("no error");
}

Deno.test("segments are the file's frames; a movie named twice is encoded once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const T = 50, d = 3;
    const x = Float64Array.from({ length: T * d }, (_, i) => Math.cos(0.3 * i) + i / 100);
    await Deno.writeFile(
      `${dir}/s.csv`,
      new TextEncoder().encode(
        Array.from({ length: T }, (_, t) => Array.from(x.slice(t * d, (t + 1) * d)).join(",")).join(
          "\n",
        ),
      ),
    );
    const calls: string[] = [];
    const z = Float64Array.from({ length: 40 * 2 }, (_, i) => i);
    const encode = (path: string) => {
      calls.push(path);
      return Promise.resolve({ series: z, T: 40, d: 2 });
    };
    const r = await readConditionInputs(
      [`${dir}/s.csv[5:20]`, `${dir}/m.tif[0:10]`],
      [`${dir}/s.csv[20:]`, `${dir}/m.tif[10:40]`],
      { encode },
    );
    assertEquals(Array.from(r.a[0].series), Array.from(x.slice(5 * d, 20 * d)));
    assertEquals(Array.from(r.b[0].series), Array.from(x.slice(20 * d)));
    assertEquals([r.a[0].T, r.b[0].T, r.a[1].T, r.b[1].T], [15, 30, 10, 30]);
    assertEquals(Array.from(r.b[1].series), Array.from(z.slice(10 * 2, 40 * 2)));
    assertEquals(r.a[0].name, `${dir}/s.csv[5:20]`);
    assertEquals(calls, [`${dir}/m.tif`], "the movie encoded once, the series never");
    assertEquals([...r.latents.keys()], [`${dir}/m.tif`]);
    assert(r.latents.get(`${dir}/m.tif`) === z, "its latents kept for a map test");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("errors name the group and the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/s.npy`, encodeNpy(new Float64Array(20), [10, 2]));
    const labels = { a: "--a", b: "--b" };
    const past = await error(
      readConditionInputs([`${dir}/s.npy[0:12]`], [`${dir}/s.npy`], { labels }),
    );
    assertEquals([past.code, past.argument, past.file], [
      "INVALID_ARGUMENT",
      "--a",
      `${dir}/s.npy`,
    ]);
    assert(past.message.includes("has 10 frames"), past.message);
    const empty = await error(
      readConditionInputs([`${dir}/s.npy`], [`${dir}/s.npy[4:4]`], { labels }),
    );
    assertEquals(empty.argument, "--b");
    assert(empty.message.includes("empty"), empty.message);
    const movie = await error(readConditionInputs([`${dir}/m.tif`], [`${dir}/s.npy`]));
    assertEquals([movie.code, movie.file], ["BAD_FILE", `${dir}/m.tif`]);
    assert(movie.message.includes("give a run folder"), movie.message);
    const named = nameInputError(
      new SparsedynError("NON_FINITE", "a[1] has NaN", { argument: "a[1]" }),
      ["x", "y"],
      ["z"],
      labels,
    ) as SparsedynError;
    assertEquals([named.argument, named.file, named.code], ["--a", "y", "NON_FINITE"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
