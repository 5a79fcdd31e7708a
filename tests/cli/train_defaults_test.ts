// `sparsedyn train` with its defaults on synthetic movies of the real movies' frame shapes
// (inscopix 35×29, allen 100×100): the latent size and window it states satisfy
// p·d < L − p, no warning against its own defaults, the crop is said aloud — by train and
// by every command that applies the run's crop later (encode, maps, test, evaluate) — and
// with --json the progress is JSON lines on stderr while stdout holds only the result.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cli } from "./_run.ts";

async function synth(out: string, height: number, width: number, frames: number) {
  const s = await cli([
    "synth",
    "--out",
    out,
    "--height",
    String(height),
    "--width",
    String(width),
    "--frames",
    String(frames),
    "--cells",
    "3",
  ]);
  assertEquals(s.code, 0, s.stderr);
}

/** stderr as JSON lines (each must parse: --json promises nothing else there). */
function jsonLines(stderr: string): Record<string, unknown>[] {
  return stderr.trim().split("\n").map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      throw new Error(`not a JSON line on stderr: ${l}`);
    }
  });
}

/** The model line's numbers: latents, window, coefficients, samples. */
function modelLine(text: string): { d: number; L: number; coef: number; samples: number } {
  const m =
    /model: (\d+) latents .*windows of (\d+) frames: the VAR\(1\) has (\d+) coefficients per latent [<≥] (\d+) samples/
      .exec(text);
  assert(m, `a model line in ${text}`);
  return { d: Number(m[1]), L: Number(m[2]), coef: Number(m[3]), samples: Number(m[4]) };
}

Deno.test("train on 35×29 frames: fitting defaults stated, the crop said by train, encode, maps, test and evaluate", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await synth(`${dir}/s`, 35, 29, 160);
    const t = await cli(
      ["train", `${dir}/s/movie.npy`, "--out", `${dir}/run`, "--epochs", "2", "--json"],
    );
    assertEquals(t.code, 0, t.stderr);
    // stdout: the one summary object.
    assertEquals(t.stdout.trim().split("\n").length, 1, t.stdout);
    const summary = JSON.parse(t.stdout);
    const lines = jsonLines(t.stderr);
    const notes = lines.filter((l) => "note" in l).map((l) => String(l.note));
    const model = modelLine(notes.join("\n"));
    assertEquals(model.d, summary.latentSize);
    assert(model.coef < model.samples && model.samples === model.L - 1, notes.join("\n"));
    assert(!notes.some((n) => n.includes("expect slow")), notes.join("\n"));
    assert(notes.some((n) => n.includes("35×29 are cropped to 32×24")), notes.join("\n"));
    // Progress: every step of both epochs (with the epoch and, after the first, its loss),
    // one line per epoch with its metrics, then the encoding after training.
    const steps = lines.filter((l) => l.progress === "train");
    const last = steps[steps.length - 1];
    assert(last && last.done === last.total && (last.total as number) > 2, t.stderr);
    assert(steps.some((l) => typeof l.loss === "number" && l.epoch === "2/2"), t.stderr);
    const epochs = lines.filter((l) => l.progress === "epoch");
    assertEquals(epochs.map((l) => [l.done, l.total]), [[1, 2], [2, 2]]);
    assert(typeof (epochs[1].metrics as { loss: number }).loss === "number", t.stderr);
    for (const label of ["preprocess", "encode", "VAR fit"]) {
      assert(
        lines.some((l) => l.progress === label && l.done === l.total),
        `${label}: ${t.stderr}`,
      );
    }

    // Later commands crop the same way and say so.
    const e = await cli(["encode", `${dir}/run`, `${dir}/s/movie.npy`, "--out", `${dir}/z.npy`]);
    assertEquals(e.code, 0, e.stderr);
    assert(
      e.stderr.includes("sparsedyn encode: note: frames of 35×29 are cropped to 32×24"),
      e.stderr,
    );
    const m = await cli(["maps", `${dir}/run`, "--frames", "2", "--steps", "1"]);
    assertEquals(m.code, 0, m.stderr);
    assert(
      m.stderr.includes("sparsedyn maps: note: frames of 35×29 are cropped to 32×24"),
      m.stderr,
    );
    const c = await cli([
      "test",
      `${dir}/run`,
      "--a",
      `${dir}/s/movie.npy[0:80]`,
      "--b",
      `${dir}/s/movie.npy[80:160]`,
      "--permutations",
      "999",
      "--window",
      "20",
      "--out",
      `${dir}/t`,
      "--json",
    ]);
    assertEquals(c.code, 0, c.stderr);
    assertEquals(c.stdout.trim().split("\n").length, 1, c.stdout);
    JSON.parse(c.stdout);
    const testLines = jsonLines(c.stderr);
    assert(
      testLines.some((l) => String(l.note).includes("frames of 35×29 are cropped to 32×24")),
      c.stderr,
    );
    // The movie is preprocessed (and encoded) once for both segments, with progress.
    const pre = testLines.filter((l) => l.progress === "preprocess movie.npy");
    assert(pre.length > 0 && pre[pre.length - 1].done === 160, c.stderr);
    const ev = await cli([
      "evaluate",
      `${dir}/run`,
      "--heldout",
      `${dir}/s/movie.npy[120:160]`,
      "--map-frames",
      "2",
      "--map-steps",
      "1",
    ]);
    assertEquals(ev.code, 0, ev.stderr);
    assert(
      ev.stderr.includes("sparsedyn evaluate: note: frames of 35×29 are cropped to 32×24"),
      ev.stderr,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train on 100×100 frames without --json: a model line, a line per epoch, no warning", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await synth(`${dir}/s`, 100, 100, 70);
    const t = await cli(["train", `${dir}/s/movie.npy`, "--out", `${dir}/run`, "--epochs", "2"]);
    assertEquals(t.code, 0, t.stderr);
    const model = modelLine(t.stderr);
    // 100×100 → 5 stride-2 layers: 3×3×2 = 18 latents for windows of 64 (the old default
    // gave 12×12×2 = 288 and a warning).
    assertEquals([model.d, model.L], [18, 64]);
    assert(model.coef < model.samples, t.stderr);
    assert(!t.stderr.includes("expect slow"), t.stderr);
    assert(t.stderr.includes("100×100 are cropped to 96×96"), t.stderr);
    // Not a terminal: a plain line per epoch (a log is never silent).
    assert(/epoch 1\/2: loss \d/.test(t.stderr) && /epoch 2\/2: loss \d/.test(t.stderr), t.stderr);
    // stdout: the summary only.
    assert(t.stdout.startsWith("sparsedyn train: wrote"), t.stdout);
    assert(!t.stdout.includes("note:") && !t.stdout.includes("epoch 1/2"), t.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --downsample 2 on 35×29 frames: the rows and columns the blocks drop are part of the crop, and said", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await synth(`${dir}/s`, 35, 29, 100);
    const t = await cli(
      ["train", `${dir}/s/movie.npy`, "--out", `${dir}/run`, "--epochs", "1", "--downsample", "2"],
    );
    assertEquals(t.code, 0, t.stderr);
    const m =
      /frames of 35×29 are cropped to (\d+)×(\d+) \(top left\), then averaged in 2×2 blocks to (\d+)×(\d+)/
        .exec(t.stderr);
    assert(m, t.stderr);
    const [kh, kw, h, w] = m.slice(1).map(Number);
    assertEquals([kh, kw], [2 * h, 2 * w]);
    // The run records the crop in the movie's own pixels, so later commands apply and say it.
    const config = JSON.parse(await Deno.readTextFile(`${dir}/run/config.json`));
    assertEquals(config.preprocess.crop, { top: 0, left: 0, height: kh, width: kw });
    const e = await cli(["encode", `${dir}/run`, `${dir}/s/movie.npy`, "--out", `${dir}/z.npy`]);
    assertEquals(e.code, 0, e.stderr);
    assert(e.stderr.includes(`frames of 35×29 are cropped to ${kh}×${kw}`), e.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
