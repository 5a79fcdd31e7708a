// The config file: every key checked, errors name the file and the key.
import { SparsedynError } from "../../../core/errors.ts";
import { parseTrainConfig } from "../../../core/train/train_config.ts";
import { eta } from "../../../cli/_progress.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

function fails(text: string, words: string[]) {
  try {
    parseTrainConfig(text, "conf.json");
  } catch (err) {
    assert(err instanceof SparsedynError, String(err));
    assertEquals(err.code, "BAD_FILE");
    assertEquals(err.file, "conf.json");
    for (const w of ["conf.json", ...words]) assert(err.message.includes(w), err.message);
    return;
  }
  throw new Error(`accepted: ${text}`);
}

Deno.test("parseTrainConfig keeps every valid setting as given", () => {
  const full = {
    mode: "end-to-end",
    skip: "none",
    downsample: 2,
    windowLength: 32,
    stride: 8,
    epochs: 4,
    learningRate: 0.003,
    lags: 2,
    lambdaFraction: 0.25,
    seed: 7,
    validationFraction: 0.2,
    patience: 2,
    weights: { reconstruction: 1, prediction: 0.5, predictedFrames: 0 },
    predictedFramesSteps: 0,
    cae: {
      channels: [4, 8],
      kernel: 5,
      stride: 2,
      activation: "leakyRelu",
      latentChannels: 3,
      staticChannels: 1,
    },
  };
  assertEquals(parseTrainConfig(JSON.stringify(full), "conf.json") as unknown, full);
  assertEquals(parseTrainConfig("{}", "conf.json"), {});
});

Deno.test("parseTrainConfig rejects what it does not know, naming the key", () => {
  fails("{", ["not valid JSON"]);
  fails("[1]", ["must be a JSON object"]);
  fails('{"epoch": 3}', ['unknown key "epoch"']);
  fails('{"cae": {"chanels": [4]}}', ['unknown key "cae.chanels"']);
  fails('{"cae": {"height": 64}}', ['unknown key "cae.height"']);
  fails('{"mode": "joint"}', ['"mode" must be one of']);
  fails('{"epochs": 0}', ['"epochs" must be an integer ≥ 1']);
  fails('{"epochs": 2.5}', ['"epochs"']);
  fails('{"lambdaFraction": 1.5}', ['"lambdaFraction" must be a number in (0, 1]']);
  fails('{"validationFraction": 1}', ['"validationFraction"']);
  fails('{"learningRate": -1}', ['"learningRate" must be a positive number']);
  fails('{"predictedFramesSteps": -1}', ['"predictedFramesSteps" must be an integer ≥ 0']);
  fails('{"predictedFramesSteps": 2.5}', ['"predictedFramesSteps" must be an integer ≥ 0']);
  fails('{"cae": {"kernel": 2}}', ['"cae.kernel" must be an odd integer']);
  fails('{"cae": {"stride": 3}}', ['"cae.stride" must be 1 or 2']);
  fails('{"cae": {"channels": []}}', ['"cae.channels"']);
  fails('{"cae": {"activation": "gelu"}}', ['"cae.activation"']);
  fails('{"cae": 3}', ["cae must be a JSON object"]);
  fails('{"weights": {"reconstruction": 1}}', ['"weights" lacks "prediction", "predictedFrames"']);
  fails('{"weights": {"reconstruction": -1, "prediction": 1, "predictedFrames": 1}}', [
    '"weights.reconstruction" must be a number ≥ 0',
  ]);
});

Deno.test("the progress ETA extrapolates the mean time per unit", () => {
  assertEquals(eta(0, 0, 10, 5000), "");
  assertEquals(eta(0, 10, 10, 5000), "");
  assertEquals(eta(0, 1, 10, 2000).trim(), "ETA 18s");
  assertEquals(eta(0, 1, 4, 30_000).trim(), "ETA 1m30s");
  assertEquals(eta(0, 1, 3, 3_600_000).trim(), "ETA 2h00m");
});
