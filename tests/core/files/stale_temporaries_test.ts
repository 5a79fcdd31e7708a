// What killed processes leave is cleaned by the next start, and only theirs: a live
// process's temporaries stay; a folder complete at the kill is renamed into place.
import { COMPLETE_MARKER, sweepStale } from "../../../core/files/stale_temporaries.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("sweepStale() removes an ended process's frames and temporary files, and keeps a live one's", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dead = await deadPid();
    await Deno.mkdir(`${dir}/.sparsedyn-frames-${dead}-aa`);
    await Deno.writeFile(`${dir}/.sparsedyn-frames-${dead}-aa/frames.npy`, new Uint8Array(10));
    await Deno.mkdir(`${dir}/.sparsedyn-frames-${Deno.pid}-bb`);
    await Deno.writeTextFile(`${dir}/.x.json.partial-${dead}-0123abcd`, "{");
    await Deno.writeTextFile(`${dir}/.y.json.partial-${Deno.pid}-0123abcd`, "{");
    const done = await sweepStale(dir);
    assertEquals(done.length, 1, done.join("\n"));
    assert(done[0].includes(`pid ${dead}`), done[0]);
    assertEquals(names(dir), [
      `.sparsedyn-frames-${Deno.pid}-bb`,
      `.y.json.partial-${Deno.pid}-0123abcd`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sweepStale() finishes a complete partial folder, removes an incomplete one, restores a replaced one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dead = await deadPid();
    // Complete, its target absent: the kill came at the rename.
    await Deno.mkdir(`${dir}/run.partial-${dead}`);
    await Deno.writeTextFile(`${dir}/run.partial-${dead}/var.json`, "{}");
    await Deno.writeFile(`${dir}/run.partial-${dead}/${COMPLETE_MARKER}`, new Uint8Array());
    // Incomplete.
    await Deno.mkdir(`${dir}/other.partial-${dead}`);
    // Moved aside for a replacement that never came.
    await Deno.mkdir(`${dir}/maps.old-${dead}`);
    await Deno.writeTextFile(`${dir}/maps.old-${dead}/maps.json`, "{}");
    // Live: left alone.
    await Deno.mkdir(`${dir}/live.partial-${Deno.pid}`);
    const done = await sweepStale(dir);
    assertEquals(done.length, 3, done.join("\n"));
    assertEquals(names(dir), ["live.partial-" + Deno.pid, "maps", "run"]);
    assertEquals(await Deno.readTextFile(`${dir}/run/var.json`), "{}");
    assertEquals(names(`${dir}/run`), ["var.json"], "the marker goes");
    assertEquals(names(`${dir}/maps`), ["maps.json"]);
    // A complete partial beside an existing target is a copy: removed. `only` limits the
    // folders to one name.
    await Deno.mkdir(`${dir}/run.partial-${dead}`);
    await Deno.writeFile(`${dir}/run.partial-${dead}/${COMPLETE_MARKER}`, new Uint8Array());
    await Deno.mkdir(`${dir}/x.partial-${dead}`);
    const only = await sweepStale(dir, "run");
    assertEquals(only.length, 1, only.join("\n"));
    assert(names(dir).includes(`x.partial-${dead}`), "another name is left");
    assert(!names(dir).includes(`run.partial-${dead}`), "removed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
