// The commands of `sparsedyn`, by name: one file per command, each its flag table plus a call
// into the library. The dispatcher (cli/main.ts) and its help read this table.
import type { Command } from "./_flags.ts";
import { demo } from "./demo.ts";
import { encode } from "./encode.ts";
import { evaluate } from "./evaluate.ts";
import { experiment } from "./experiment.ts";
import { export_ } from "./export.ts";
import { fit } from "./fit.ts";
import { inspect } from "./inspect.ts";
import { lasso } from "./lasso.ts";
import { maps } from "./maps.ts";
import { preprocess } from "./preprocess.ts";
import { serve } from "./serve.ts";
import { study } from "./study.ts";
import { synth } from "./synth.ts";
import { test } from "./test.ts";
import { train } from "./train.ts";

/** Every command by the name it is called with, in the order the help lists them. */
export const COMMANDS: Record<string, Command> = {
  demo,
  encode,
  evaluate,
  experiment,
  export: export_,
  fit,
  inspect,
  lasso,
  maps,
  preprocess,
  serve,
  study,
  synth,
  test,
  train,
};
