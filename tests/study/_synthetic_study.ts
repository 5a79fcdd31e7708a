// A tiny synthetic study for the study tests and bench: animals × sessions, each session's
// recording in two conditions (a: the generator's VAR, b: a few coefficients changed),
// 16×16 movies, and a manifest whose training is one short epoch.
import { writeSynthetic } from "../../core/data/synthetic_write.ts";

/** Options of {@link writeSyntheticStudy}. */
export interface SyntheticStudyOptions {
  animals?: number;
  sessions?: number;
  frames?: number;
  /** Recording ids whose movie is replaced by garbage (a broken file). */
  broken?: string[];
  epochs?: number;
}

/**
 * Writes movies and `study.json` into `dir`; returns the manifest's path.
 */
export async function writeSyntheticStudy(
  dir: string,
  o: SyntheticStudyOptions = {},
): Promise<string> {
  const animals = o.animals ?? 2, sessions = o.sessions ?? 2, frames = o.frames ?? 300;
  const recordings = [];
  for (let a = 1; a <= animals; a++) {
    for (let s = 1; s <= sessions; s++) {
      const sub = `${dir}/m${a}_s${s}`;
      await writeSynthetic(sub, {
        height: 16,
        width: 16,
        frames,
        cells: 4,
        seed: 10 * a + s,
        conditions: { effect: 0.2, edges: 1 },
      });
      for (const c of ["a", "b"]) {
        const id = `m${a}_s${s}_${c}`;
        const path = `m${a}_s${s}/movie_${c}.npy`;
        if (o.broken?.includes(id)) {
          await Deno.writeTextFile(`${dir}/${path}`, "this is not a movie\n");
        }
        recordings.push({ path, animal: `m${a}`, session: `s${s}`, condition: c });
      }
    }
  }
  const manifest = {
    recordings,
    train: { per: "animal", config: { epochs: o.epochs ?? 1, windowLength: 32, seed: 1 } },
    analyses: { fit: true, test: { a: "a", b: "b", window: 30 } },
  };
  await Deno.writeTextFile(`${dir}/study.json`, JSON.stringify(manifest, null, 2));
  return `${dir}/study.json`;
}
