// `sparsedyn test`: do the dynamics differ between two conditions? Windows of each
// condition's recordings, one sparse VAR per window, a block permutation test over window
// labels, per-coefficient p-values with Benjamini–Hochberg, intra- vs inter-condition
// variability; test.json into the run folder or --out.
import { conditionTest, type ConditionTestResult } from "../core/stats/condition_test.ts";
import { nameInputError, readConditionInputs } from "../core/stats/condition_inputs.ts";
import { mapConditionTest } from "../core/stats/map_condition_test.ts";
import { testJson } from "../core/stats/test_json.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { TEST_DESCRIPTION, TEST_FLAGS } from "./_test_flags.ts";
import { testSummary } from "./_test_summary.ts";
import {
  checkUsage,
  componentsFlag,
  mapTestOptions,
  openRun,
  testedComponents,
  testProgress,
  writeInto,
} from "./_test_steps.ts";

export const test = defineCommand("test", {
  summary: "test whether the dynamics differ between two conditions (permutation test)",
  synopsis: "[<run>] --a FILE [--a FILE ...] --b FILE [--b FILE ...] [options]",
  description: TEST_DESCRIPTION,
  flags: TEST_FLAGS,
  footer:
    "Exit status: 0 when the test ran (whatever its outcome), 1 on bad input, 2 on a usage error.",
  async run(f, positionals) {
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    const run = positionals[0], json = f.json ?? false;
    const aFiles = f.a ?? [], bFiles = f.b ?? [];
    checkUsage(f, run, aFiles, bFiles);
    const components = componentsFlag(f.components);
    const labels = { a: "--a", b: "--b" };
    // One model for both tests; each movie is read and encoded once (the map test reuses
    // the latents).
    const model = run === undefined ? undefined : await openRun(run, f.backend, json);
    let result: ConditionTestResult, latents: Map<string, Float64Array>;
    try {
      const inputs = await readConditionInputs(aFiles, bFiles, { encode: model?.encode, labels });
      latents = inputs.latents;
      result = conditionTest(inputs.a, inputs.b, {
        components: testedComponents(components, inputs.a[0].d, model !== undefined),
        lags: f.lags ?? model?.loaded.lags,
        window: f.window,
        stride: f.stride,
        blockWindows: f.block,
        permutations: f.permutations,
        alpha: f.alpha,
        seed: f.seed,
        standardize: !f.raw,
        onProgress: testProgress(json),
      });
    } catch (err) {
      model?.loaded.dispose(); // the map test will not run
      throw nameInputError(err, aFiles, bFiles, labels);
    }
    try {
      if (f.maps && model) {
        result.maps = await mapConditionTest(
          model.loaded,
          aFiles,
          bFiles,
          mapTestOptions(f, result, latents, json),
        );
      }
    } finally {
      model?.loaded.dispose();
    }
    const dir = f.out ?? run;
    const written = dir === undefined ? undefined : await writeInto(dir, result);
    if (json) console.log(JSON.stringify(testJson(result)));
    else for (const l of testSummary(result, written)) console.log(l);
    return 0;
  },
});
