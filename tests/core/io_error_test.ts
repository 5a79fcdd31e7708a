// ioError(): a path that is not there is explained by what is missing, never by a wrong guess.
import { ioError } from "../../core/errors.ts";
import { assertEquals } from "../_helpers/assert.ts";

Deno.test("ioError() names the missing folder, the closest file, or keeps the system's words", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/day1.tif`, "");
    const nf = (op: string) =>
      new Deno.errors.NotFound(`No such file or directory (os error 2): ${op}`);
    // A temporary folder made inside a folder that is missing (train's --out parent).
    assertEquals(
      ioError("write", `${dir}/runs`, nf("tmpdir")).message,
      `Cannot write "${dir}/runs": the folder "${dir}/runs" does not exist (create it first, or choose another place)`,
    );
    // A file written into missing folders: the outermost missing one is the one to create.
    assertEquals(
      ioError("write", `${dir}/a/b/out.npy`, nf("open")).message,
      `Cannot write "${dir}/a/b/out.npy": the folder "${dir}/a" does not exist (create it first, or choose another place)`,
    );
    // The folder exists but something else vanished (a rename's source): the system's words.
    assertEquals(
      ioError("write", `${dir}/out.npy`, nf("rename 'x' -> 'y'")).message,
      `Cannot write "${dir}/out.npy": No such file or directory (os error 2): rename 'x' -> 'y'`,
    );
    // Reading a misspelt file: the closest name beside it; nothing close, no suggestion.
    assertEquals(
      ioError("open", `${dir}/day2.tif`, nf("stat")).message,
      `Cannot open "${dir}/day2.tif": No such file in "${dir}" (did you mean "day1.tif"?)`,
    );
    assertEquals(
      ioError("read", `${dir}/calcium_traces.csv`, nf("readfile")).message,
      `Cannot read "${dir}/calcium_traces.csv": No such file in "${dir}"`,
    );
    // Other failures keep their message.
    assertEquals(
      ioError("read", `${dir}/day1.tif`, new Deno.errors.PermissionDenied("denied")).message,
      `Cannot read "${dir}/day1.tif": denied`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
