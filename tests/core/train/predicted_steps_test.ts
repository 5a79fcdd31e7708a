// The predicted steps a training step decodes: k distinct steps, the same for the same
// (seed, epoch, start), all steps for k = 0 or k ≥ count, every step equally likely.
import { SparsedynError } from "../../../core/errors.ts";
import {
  DEFAULT_PREDICTED_FRAMES_STEPS,
  predictedStepsSample,
} from "../../../core/train/predicted_steps.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

Deno.test("predictedStepsSample draws k distinct steps, fixed by seed, epoch and start", () => {
  assertEquals(DEFAULT_PREDICTED_FRAMES_STEPS, 8);
  const key = { seed: 3, epoch: 1, start: 96 };
  const s = predictedStepsSample(31, 8, key)!;
  assertEquals(s.length, 8);
  assertEquals(new Set(s).size, 8);
  assert(s.every((i, j) => Number.isInteger(i) && i >= 0 && i < 31 && (j === 0 || s[j - 1] < i)));
  assertEquals(predictedStepsSample(31, 8, { ...key }), s);
  // Each part of the key changes the draw.
  for (const other of [{ seed: 4 }, { epoch: 2 }, { start: 112 }]) {
    assert(
      predictedStepsSample(31, 8, { ...key, ...other })!.join() !== s.join(),
      JSON.stringify(other),
    );
  }
  // 0, or as many as there are: every step (the exact term).
  for (const k of [0, 31, 40]) assertEquals(predictedStepsSample(31, k, key), undefined);
  assertEquals(predictedStepsSample(31, 30, key)!.length, 30);
});

Deno.test("predictedStepsSample: every step equally likely across windows and epochs", () => {
  const count = 31, k = 8, draws = 3000;
  const hits = new Array(count).fill(0);
  for (let d = 0; d < draws; d++) {
    const key = { seed: 1, epoch: d % 15, start: 32 * Math.floor(d / 15) };
    for (const i of predictedStepsSample(count, k, key)!) hits[i]++;
  }
  // Binomial(draws, k/count) per step: within 5 sd of its mean.
  const p = k / count, mean = draws * p, sd = Math.sqrt(draws * p * (1 - p));
  for (const [i, h] of hits.entries()) {
    assert(Math.abs(h - mean) <= 5 * sd, `step ${i}: ${h} draws, expected ${mean.toFixed(0)}`);
  }
});

Deno.test("predictedStepsSample rejects a negative or fractional k, naming it", () => {
  for (const k of [-1, 2.5, NaN]) {
    try {
      predictedStepsSample(31, k, { seed: 1, epoch: 0, start: 0 });
      throw new Error(`${k} accepted`);
    } catch (err) {
      assert(err instanceof SparsedynError && err.code === "INVALID_ARGUMENT", String(err));
      assertEquals(err.argument, "predictedFramesSteps");
      assert(err.message.includes("predictedFramesSteps"), err.message);
    }
  }
});
