// `sparsedyn train <movie> --out DIR`: train the autoencoder (and the VAR) on a movie and
// write the run folder.
import { BACKEND_TABLE, startBackend } from "./_backend_flag.ts";
import { trainRun } from "../core/train/train_run.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { TRAIN_DESCRIPTION, TRAIN_FLAGS } from "./_train_flags.ts";
import { printTrainSummary, trainReporters } from "./_train_report.ts";
import { trainOptions, trainSettings } from "./_train_options.ts";

export const train = defineCommand("train", {
  summary: "train the autoencoder and its VAR on a movie; write a run folder",
  synopsis: "<movie>[start:end] --out DIR [options]",
  description: TRAIN_DESCRIPTION,
  flags: { ...TRAIN_FLAGS, ...BACKEND_TABLE },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError("give one movie");
    if (!values.out) throw new UsageError("--out DIR is required", "--out");
    const settings = await trainSettings(values);
    const json = values.json ?? false;
    const backend = await startBackend(values, json);
    const reporters = trainReporters(settings.epochs, json);
    let r;
    try {
      r = await trainRun(
        positionals[0],
        values.out,
        trainOptions(values, settings, reporters, json),
      );
    } finally {
      reporters.stopListening();
    }
    if (r.interrupted) {
      console.error(
        `sparsedyn train: interrupted after epoch ${r.history.length}; continue with --resume (state in ${values.out}.checkpoint)`,
      );
      return 130;
    }
    printTrainSummary(r, settings.mode, backend, json);
    return 0;
  },
});
