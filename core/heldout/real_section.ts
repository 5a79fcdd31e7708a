/**
 * The real-data section of `docs/RESULTS.md`: which public recordings it runs on (by file
 * name, in a folder the user gives), the full and the quick settings, and the section's
 * place in the document (between two HTML comments, so that `--real-only` can redo it and
 * keep the synthetic part).
 *
 * @example
 * ```ts
 * import { afterRealSection, replaceRealSection } from "./real_section.ts";
 *
 * const doc = replaceRealSection("# Results\n\nsynthetic\n", "## Real\n\nnumbers\n");
 * const again = replaceRealSection(doc, "## Real\n\nnew numbers\n");
 * if (!again.includes("synthetic") || again.includes("\nnumbers") || !again.includes("new numbers")) throw new Error(again);
 * if (afterRealSection(again + "notes\n") !== "notes\n") throw new Error("the tail");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { type RealMovie, type RealRun, runRealExperiment } from "./real_experiment.ts";
import { realResultsMarkdown } from "./real_results.ts";
import { writeFileAtomic } from "../files/atomic_write.ts";

/** The recordings of the real-data part, by their public file names. */
export const REAL_MOVIES: RealMovie[] = [
  {
    name: "neurofinder_b",
    file: "neurofinder_b_600x128x128_uint16.tif",
    rois: "neurofinder_b_regions.json",
    description: "two-photon, mouse cortex, neurofinder challenge; 36 hand-drawn cells",
  },
  {
    name: "miniscope 7-12",
    file: "miniscope_dg13_7-12-17_605x202x201_uint8.tif",
    rois: "miniscope_dg13_7-12-17_roi_mask_202x201_uint8.npy",
    description: "one-photon miniscope, dentate gyrus; 15 expert-annotated cells",
  },
  {
    name: "miniscope 7-16",
    file: "miniscope_dg13_7-16-17_1886x196x200_uint8.tif",
    description: "the same mouse four days later, the longest movie",
  },
  {
    name: "svoboda",
    file: "svoboda_thunder_mouse_500x64x64_int16.tif",
    description: "two-photon, vibrissal S1, downsampled at the source",
  },
  {
    name: "allen",
    file: "allen_792757260_test_data.h5",
    description: "two-photon, Allen Institute, 100×100 crop, low SNR",
  },
  {
    name: "inscopix",
    file: "inscopix_1p_dandi_compliant_movie.nwb",
    description: "one-photon miniscope, NWB",
  },
];

const START = "<!-- real-data: begin (sparsedyn experiment --data DIR) -->";
const END = "<!-- real-data: end -->";

/**
 * Puts the real-data section into a document, in place of the one there or at its end.
 *
 * @param doc The document ("" for none).
 * @param section The section's Markdown ("" removes it).
 * @returns The document.
 */
export function replaceRealSection(doc: string, section: string): string {
  const block = section ? `${START}\n${section.trimEnd()}\n${END}\n` : "";
  const a = doc.indexOf(START), b = doc.indexOf(END);
  if (a >= 0 && b > a) {
    return doc.slice(0, a) + block + doc.slice(b + END.length).replace(/^\n/, "");
  }
  if (!block) return doc;
  return doc ? `${doc.trimEnd()}\n\n${block}` : block;
}

/**
 * What a document holds after its real-data section (notes written by hand, which a new run
 * of the experiment keeps), or "" when it has none.
 *
 * @param doc The document.
 * @returns The text after the section's end marker.
 */
export function afterRealSection(doc: string): string {
  const b = doc.indexOf(END);
  return b >= 0 ? doc.slice(b + END.length).replace(/^\n/, "") : "";
}

/** Settings of {@link realSection}. */
export interface RealSectionOptions {
  /** One seed, three movies, the residual skip only (both modes), a third of the epochs. */
  quick?: boolean;
  /** Seeds (default 1, 2, 3; quick: 1). */
  seeds?: number[];
  /** The backend's name, for the report. */
  backend?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Log each run as a JSON line instead of text. */
  json?: boolean;
  /** Also write every run (settings, movies, evaluations) to this JSON file, atomically. */
  raw?: string;
}

/**
 * Runs the real-data experiment on the recordings in `dataDir` and returns its section.
 *
 * @param dataDir The folder holding the files of {@link REAL_MOVIES}.
 * @param options Quick form, seeds, logging.
 * @returns Markdown.
 * @throws {SparsedynError} `IO` naming the folder and the files when none of them is there.
 */
export async function realSection(
  dataDir: string,
  options: RealSectionOptions = {},
): Promise<string> {
  const quick = options.quick ?? false;
  const { movies, missing } = await findRecordings(dataDir, quick);
  const t0 = performance.now();
  const result = await runRealExperiment({
    movies,
    seeds: options.seeds ?? (quick ? [1] : [1, 2, 3]),
    frameBudget: quick ? 4500 : 9000,
    arms: quick
      ? [{ mode: "end-to-end", skip: "residual" }, { mode: "two-stage", skip: "residual" }]
      : undefined,
    onRun: runLogger(options),
  });
  const minutes = (performance.now() - t0) / 60000;
  if (options.raw) {
    await writeFileAtomic(options.raw, new TextEncoder().encode(JSON.stringify(result) + "\n"));
  }
  return [
    "## Real recordings: held out, in pixel space, against the baselines",
    "",
    `Produced by \`sparsedyn experiment --data DIR${quick ? " --quick" : ""}${
      options.seeds ? ` --seeds ${options.seeds.join(",")}` : ""
    } --real-only --out docs/RESULTS.md\`, DIR holding these public recordings:`,
    "",
    ...movies.map(recordingLine),
    ...(missing.length ? ["", `Not found, left out: ${missing.join(", ")}.`] : []),
    "",
    realResultsMarkdown(
      result,
      `Backend ${options.backend ?? "?"}, ${navigator.hardwareConcurrency} cores, ${
        minutes.toFixed(1)
      } minutes.`,
    ),
  ].join("\n");
}

/**
 * The recordings of the section (the quick form's three, or all) that are in `dataDir`,
 * with their paths there, and the file names of those that are not.
 *
 * @throws {SparsedynError} `IO` naming the folder and the files when none of them is there.
 */
async function findRecordings(
  dataDir: string,
  quick: boolean,
): Promise<{ movies: RealMovie[]; missing: string[] }> {
  const wanted = quick
    ? REAL_MOVIES.filter((m) => ["neurofinder_b", "miniscope 7-12", "svoboda"].includes(m.name))
    : REAL_MOVIES;
  const movies: RealMovie[] = [];
  const missing: string[] = [];
  for (const m of wanted) {
    const here = await Deno.stat(`${dataDir}/${m.file}`).then(() => true, () => false);
    if (!here) {
      missing.push(m.file);
      continue;
    }
    movies.push({
      ...m,
      file: `${dataDir}/${m.file}`,
      rois: m.rois ? `${dataDir}/${m.rois}` : undefined,
    });
  }
  if (!movies.length) {
    throw new SparsedynError(
      "IO",
      `${dataDir}: none of the recordings is there (${wanted.map((m) => m.file).join(", ")})`,
      { file: dataDir },
    );
  }
  return { movies, missing };
}

/** The progress line of each evaluated run: its numbers next to two baselines', or JSON. */
function runLogger(options: RealSectionOptions): (r: RealRun) => void {
  const log = options.log ?? (() => {});
  return (r) => {
    const e = r.evaluation;
    if (options.json) {
      log(JSON.stringify({ real: true, ...r }));
      return;
    }
    log(
      `${r.movie} seed ${r.seed} ${r.mode} skip=${r.skip}: reconstruction ` +
        `${e.model.reconstruction.toFixed(3)} (PCA-${e.latents} ${
          e.baselines.reconstruction.pca.find((p) => p.k === e.latents)?.mse.toFixed(3) ?? "–"
        }), 1-step ${e.model.prediction[0].toFixed(3)} (persistence ${
          e.baselines.prediction.persistence[0].toFixed(3)
        })${e.cells ? `, map AUC ${e.cells.model.auc.toFixed(3)}` : ""} (${
          r.seconds.toFixed(0)
        } s)`,
    );
  };
}

/** A recording's line in the section's list: its public file names and what it is. */
function recordingLine(m: RealMovie): string {
  const src = REAL_MOVIES.find((r) => r.name === m.name)!;
  return `- **${m.name}**: \`${src.file}\`${src.rois ? ` with \`${src.rois}\`` : ""} — ${
    src.description ?? ""
  }`;
}
