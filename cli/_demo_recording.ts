// The recording of `sparsedyn demo`, parts 2 and 3: its size, the change between its two
// conditions, how it is written, and how its true series are read back.
import { decodeNpy } from "../core/data/npy.ts";
import type { SynthTruth } from "../core/data/synthetic.ts";
import { writeSynthetic } from "../core/data/synthetic_write.ts";

/** The demo's recording: 32×32, 8 cells, 1536 frames per condition; b changes 3 coefficients. */
export const S = 32, T = 1536, K = 8, EFFECT = 0.3, CHANGED = 3;

/** Writes the demo's two-condition recording into `recording`; returns its truth. */
export async function writeDemoRecording(recording: string, seed: number): Promise<SynthTruth> {
  return await writeSynthetic(recording, {
    height: S,
    width: S,
    frames: T,
    cells: K,
    seed,
    conditions: { effect: EFFECT, edges: CHANGED },
  });
}

/** The data of an NPY file (the recording's true calcium and footprints). */
export async function readNpy(path: string): Promise<Float64Array> {
  return decodeNpy(await Deno.readFile(path), path).data;
}
