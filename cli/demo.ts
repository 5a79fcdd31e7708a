// `sparsedyn demo`: the whole method on a recording whose dynamics are known. First the
// numeric core alone (a sparse VAR recovered by the lasso path with BIC), then the
// pipeline: synthesise a movie, train the autoencoder end to end through the VAR layer,
// and compare the dynamics it found with the truth.
import type { SynthTruth } from "../core/data/synthetic.ts";
import { numberFlag, UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { DEMO_DESCRIPTION, DEMO_FLAGS } from "./_demo_flags.ts";
import { coreDemo, printCore } from "./_demo_core.ts";
import { methodDemo } from "./_demo_method.ts";
import { interpretationDemo } from "./_demo_interpretation.ts";

export const demo = defineCommand("demo", {
  summary: "the method on a synthetic recording with known dynamics, against the truth",
  synopsis: "[options]",
  description: DEMO_DESCRIPTION,
  flags: DEMO_FLAGS,
  async run(values, positionals) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { series: d, lags: p, seed, epochs } = values;
    // The least length depends on --lags: checked here rather than in the table.
    const T = numberFlag(String(values.samples), "--samples", { integer: true, min: p + 2 })!;
    if (values.out !== undefined && !values["core-only"]) {
      const exists = await Deno.stat(values.out).then(() => true, () => false);
      if (exists) {
        throw new UsageError(`--out ${values.out} already exists; give a new folder`, "--out");
      }
    }
    const core = coreDemo(d, p, T, seed);
    if (!values.json) printCore(core);
    if (values["core-only"]) {
      if (values.json) console.log(JSON.stringify({ core }));
      return 0;
    }
    const out = values.out ?? await Deno.makeTempDir({ prefix: "sparsedyn-demo-" });
    await Deno.mkdir(out, { recursive: true });
    const method = await methodDemo(out, epochs, seed, !!values.json);
    const truth = JSON.parse(
      await Deno.readTextFile(`${method.recording}/truth.json`),
    ) as SynthTruth;
    const interpretation = await interpretationDemo(
      method.recording,
      method.run,
      truth,
      seed,
      !!values.json,
    );
    if (values.json) console.log(JSON.stringify({ core, method, interpretation }));
    return 0;
  },
});
