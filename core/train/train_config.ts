/**
 * A training config file (`sparsedyn train --config FILE`): a JSON object whose keys are the
 * settings of {@link TrainRunOptions} that make sense in a file, each optional. Every key and
 * value is checked here, so a typo such as `"epoch"` is an error that names the file and the
 * key rather than a setting silently ignored. Flags given on the command line override it.
 *
 * ```json
 * {
 *   "mode": "end-to-end", "skip": "mean", "epochs": 20, "windowLength": 64, "lags": 1,
 *   "lambdaFraction": 0.1, "learningRate": 0.001,
 *   "weights": { "reconstruction": 1, "prediction": 1, "predictedFrames": 1 },
 *   "predictedFramesSteps": 8,
 *   "cae": { "channels": [16, 32, 32], "kernel": 3, "stride": 2, "activation": "elu",
 *            "latentChannels": 2, "staticChannels": 2 }
 * }
 * ```
 *
 * @example
 * ```ts
 * import { parseTrainConfig } from "./train_config.ts";
 *
 * const c = parseTrainConfig('{"epochs": 3, "cae": {"channels": [8, 8]}}', "run.json");
 * if (c.epochs !== 3 || c.cae?.channels?.length !== 2) throw new Error("parsed");
 * let failed = false;
 * try { parseTrainConfig('{"epoch": 3}', "run.json"); } catch { failed = true; }
 * if (!failed) throw new Error("an unknown key must fail");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { CaeConfig } from "../model/cae.ts";
import type { TrainRunOptions } from "./train_run.ts";
import type { LossWeights } from "./window_loss.ts";

/** The settings a config file may hold. */
export type TrainConfig =
  & Pick<
    TrainRunOptions,
    | "mode"
    | "skip"
    | "downsample"
    | "windowLength"
    | "latents"
    | "stride"
    | "batchSize"
    | "schedule"
    | "clipNorm"
    | "epochs"
    | "learningRate"
    | "lags"
    | "lambdaFraction"
    | "bic"
    | "seed"
    | "validationFraction"
    | "patience"
    | "predictedFramesSteps"
  >
  & {
    /** Architecture settings; frame size comes from the data. */
    cae?: Partial<Omit<CaeConfig, "height" | "width" | "skip">>;
    /** Weights of the loss terms. */
    weights?: LossWeights;
  };

type Check = (v: unknown) => string | undefined;

const integer = (min: number): Check => (v) =>
  Number.isInteger(v) && (v as number) >= min ? undefined : `an integer ≥ ${min}`;
const positive: Check = (v) =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? undefined : "a positive number";
const nonNegative: Check = (v) =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 ? undefined : "a number ≥ 0";
const oneOf = (...options: string[]): Check => (v) =>
  options.includes(v as string) ? undefined : `one of ${options.map((o) => `"${o}"`).join(", ")}`;

const topLevel: Record<string, Check> = {
  mode: oneOf("ae", "two-stage", "end-to-end"),
  skip: oneOf("none", "mean", "residual"),
  downsample: integer(1),
  windowLength: integer(2),
  latents: integer(1),
  stride: integer(1),
  batchSize: integer(1),
  schedule: oneOf("cosine", "constant"),
  clipNorm: positive,
  epochs: integer(1),
  learningRate: positive,
  lags: integer(1),
  bic: (v) => typeof v === "boolean" ? undefined : "true or false",
  lambdaFraction: (v) =>
    typeof v === "number" && v > 0 && v <= 1 ? undefined : "a number in (0, 1]",
  seed: integer(-(2 ** 31)),
  validationFraction: (v) =>
    typeof v === "number" && v >= 0 && v < 1 ? undefined : "a number in [0, 1)",
  patience: integer(1),
  predictedFramesSteps: integer(0),
};

const caeKeys: Record<string, Check> = {
  channels: (v) =>
    Array.isArray(v) && v.length > 0 && v.every((c) => Number.isInteger(c) && c >= 1)
      ? undefined
      : "a non-empty list of integers ≥ 1",
  kernel: (v) => Number.isInteger(v) && (v as number) % 2 === 1 ? undefined : "an odd integer",
  stride: (v) => v === 1 || v === 2 ? undefined : "1 or 2",
  activation: oneOf("relu", "elu", "leakyRelu", "tanh", "linear"),
  latentChannels: integer(1),
  staticChannels: integer(1),
};

const weightKeys: Record<string, Check> = {
  reconstruction: nonNegative,
  prediction: nonNegative,
  predictedFrames: nonNegative,
};

function checkObject(
  value: unknown,
  keys: Record<string, Check>,
  where: string,
  file: string,
  required = false,
): Record<string, unknown> {
  const fail = (message: string): never => {
    throw new SparsedynError("BAD_FILE", `${file}: ${message}`, { file });
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(`${where || "the config"} must be a JSON object`);
  }
  const obj = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    const check = keys[k];
    const name = where ? `${where}.${k}` : k;
    if (!check) {
      fail(`unknown key "${name}" (known: ${Object.keys(keys).join(", ")})`);
    }
    const want = check(v);
    if (want) fail(`"${name}" must be ${want}; got ${JSON.stringify(v)}`);
  }
  if (required) {
    const missing = Object.keys(keys).filter((k) => !(k in obj));
    if (missing.length) fail(`"${where}" lacks ${missing.map((k) => `"${k}"`).join(", ")}`);
  }
  return obj;
}

/**
 * Parses and checks the text of a config file.
 *
 * @param text The JSON text.
 * @param file The file's name, for messages.
 * @returns The settings it holds.
 * @throws {SparsedynError} `BAD_FILE` naming the file and the offending key.
 */
export function parseTrainConfig(text: string, file: string): TrainConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SparsedynError(
      "BAD_FILE",
      `${file}: not valid JSON (${err instanceof Error ? err.message : err})`,
      { file, cause: err },
    );
  }
  const obj = checkObject(
    json,
    { ...topLevel, cae: () => undefined, weights: () => undefined },
    "",
    file,
  );
  if ("cae" in obj) checkObject(obj.cae, caeKeys, "cae", file);
  // Partial weights would leave a term's weight to a default the reader cannot see.
  if ("weights" in obj) checkObject(obj.weights, weightKeys, "weights", file, true);
  return obj as TrainConfig;
}

/**
 * Reads and checks a config file.
 *
 * @param path The JSON file.
 * @returns The settings it holds.
 * @throws {SparsedynError} `IO` when unreadable, `BAD_FILE` when invalid; both name the file.
 */
export async function readTrainConfig(path: string): Promise<TrainConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new SparsedynError(
      "IO",
      `${path}: cannot read the config (${err instanceof Error ? err.message : err})`,
      { file: path, cause: err },
    );
  }
  return parseTrainConfig(text, path);
}
