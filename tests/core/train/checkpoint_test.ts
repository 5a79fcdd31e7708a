// Checkpoints that cannot mix epochs: trainCae() with a checkpoint, interrupted, then a
// checkpoint altered as a crash or a damaged disk would leave it. A resume must continue
// exactly, or refuse with the file and the reason — never train on from a mixture.
import { trainCae } from "../../../core/train/train.ts";
import { readCheckpoint, settingsKey, writeCheckpoint } from "../../../core/train/checkpoint.ts";
import { defaultCaeConfig } from "../../../core/model/cae.ts";
import { useBackend } from "../../../core/model/backend.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals, assertRejects } from "../../_helpers/assert.ts";

const T = 64, H = 16, W = 16;
const frames = new Float32Array(T * H * W).map((_, i) => Math.sin(i / 7) + Math.cos(i / 29));
const base = {
  cae: { ...defaultCaeConfig(16, 16), channels: [8, 8], latentChannels: 2, staticChannels: 2 },
  var: { lags: 1, lambdaFraction: 0.1 },
  mode: "end-to-end" as const,
  windowLength: 16,
  stride: 16,
  epochs: 3,
  learningRate: 3e-3,
  seed: 5,
};

/** Trains into `ck` and stops after `n` epochs (as Ctrl-C stops it). */
async function stopAfter(ck: string, n: number, extra: Partial<typeof base> = {}) {
  let epochs = 0;
  const r = await trainCae(frames, [T, H, W], {
    ...base,
    ...extra,
    checkpoint: ck,
    shouldStop: () => ++epochs >= n,
  });
  for (const v of Object.values(r.cae.variables)) v.dispose();
}

async function manifest(ck: string) {
  return JSON.parse(await Deno.readTextFile(`${ck}/state.json`));
}

/** The tensors file the manifest names (a layout of one `tensors.f32` before manifests). */
async function tensorsFile(ck: string): Promise<string> {
  const m = await manifest(ck);
  return `${ck}/${m.tensors?.file ?? "tensors.f32"}`;
}

async function resume(ck: string, extra: Partial<typeof base> = {}) {
  const r = await trainCae(frames, [T, H, W], { ...base, ...extra, checkpoint: ck, resume: true });
  for (const v of Object.values(r.cae.variables)) v.dispose();
  return r;
}

Deno.test("a checkpoint whose tensors come from another epoch is refused on resume, naming the file", async () => {
  await useBackend("wasm");
  const dir = await Deno.makeTempDir();
  try {
    // Epoch 1's manifest with epoch 2's tensors: what a kill between the two writes left
    // before checkpoints had one commit.
    await stopAfter(`${dir}/one`, 1);
    await stopAfter(`${dir}/two`, 2);
    await Deno.copyFile(await tensorsFile(`${dir}/two`), await tensorsFile(`${dir}/one`));
    const err = await assertRejects(() => resume(`${dir}/one`), SparsedynError);
    assertEquals(err.code, "BAD_FILE");
    assert(err.file === await tensorsFile(`${dir}/one`), `names the file: ${err.file}`);
    assert(/SHA-256|bytes/.test(err.message), err.message);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a damaged checkpoint is refused with its reason: a flipped byte, a truncated or missing file, a torn manifest", async () => {
  await useBackend("wasm");
  const dir = await Deno.makeTempDir();
  try {
    await stopAfter(`${dir}/ck`, 1);
    const file = await tensorsFile(`${dir}/ck`);
    const good = await Deno.readFile(file);
    const goodState = await Deno.readTextFile(`${dir}/ck/state.json`);
    const cases: [string, () => Promise<void>, RegExp][] = [
      ["a flipped byte", async () => {
        const b = good.slice();
        b[b.length >> 1] ^= 0x40;
        await Deno.writeFile(file, b);
      }, /SHA-256/],
      ["a truncated file", () => Deno.writeFile(file, good.subarray(0, good.length - 4)), /bytes/],
      ["a missing file", () => Deno.remove(file), /missing/],
      [
        "a torn manifest",
        () => Deno.writeTextFile(`${dir}/ck/state.json`, goodState.slice(0, 99)),
        /unreadable/,
      ],
    ];
    for (const [what, damage, reason] of cases) {
      await damage();
      const err = await assertRejects(() => resume(`${dir}/ck`), SparsedynError);
      assertEquals(err.code, "BAD_FILE", what);
      assert(reason.test(err.message), `${what}: ${err.message}`);
      assert(err.message.includes(`remove ${dir}/ck`), `${what}: says what to do`);
      await Deno.writeFile(file, good);
      await Deno.writeTextFile(`${dir}/ck/state.json`, goodState);
    }
    // Restored, it resumes.
    const r = await resume(`${dir}/ck`);
    assertEquals(r.history.length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a checkpoint resumed with other settings is refused; without resume it is never overwritten", async () => {
  await useBackend("wasm");
  const dir = await Deno.makeTempDir();
  try {
    await stopAfter(`${dir}/ck`, 1);
    const before = await Deno.readTextFile(`${dir}/ck/state.json`);
    const other = await assertRejects(() => resume(`${dir}/ck`, { seed: 6 }), SparsedynError);
    assertEquals(other.code, "INVALID_ARGUMENT");
    assert(other.message.includes("other settings"), other.message);
    const fresh = await assertRejects(
      () => trainCae(frames, [T, H, W], { ...base, checkpoint: `${dir}/ck` }),
      SparsedynError,
    );
    assert(fresh.message.includes("resume"), fresh.message);
    assertEquals(await Deno.readTextFile(`${dir}/ck/state.json`), before, "untouched");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("after the last epoch the checkpoint holds the final weights; a resume goes straight to them", async () => {
  await useBackend("wasm");
  const dir = await Deno.makeTempDir();
  try {
    // Early stopping keeps the best epoch's weights, not the last one's: those must be the
    // ones on disk before anything after training can fail.
    const opts = {
      ...base,
      mode: "ae" as const,
      epochs: 12,
      learningRate: 0.2,
      validationFraction: 0.25,
      patience: 2,
      checkpoint: `${dir}/ck`,
    };
    const whole = await trainCae(frames, [T, H, W], opts);
    assert(whole.stoppedEarly, "stopped early");
    const m = await manifest(`${dir}/ck`);
    assertEquals([m.finished, m.stoppedEarly, m.epoch], [true, true, whole.history.length]);
    let epochs = 0;
    const again = await trainCae(frames, [T, H, W], {
      ...opts,
      resume: true,
      onEpoch: () => epochs++,
    });
    assertEquals(epochs, 0, "no epoch trained again");
    assert(again.stoppedEarly);
    for (const k of Object.keys(whole.cae.variables)) {
      assertEquals(
        Array.from(again.cae.variables[k].dataSync()),
        Array.from(whole.cae.variables[k].dataSync()),
        `${k}: the best weights`,
      );
    }
    for (const r of [whole, again]) for (const v of Object.values(r.cae.variables)) v.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("early stopping resumes exactly: a run interrupted before it stops stops where the whole run does, with its weights", async () => {
  await useBackend("wasm");
  const dir = await Deno.makeTempDir();
  try {
    const opts = {
      ...base,
      mode: "ae" as const,
      epochs: 12,
      learningRate: 0.2,
      validationFraction: 0.25,
      patience: 2,
    };
    const whole = await trainCae(frames, [T, H, W], opts);
    assert(whole.stoppedEarly && whole.history.length >= 3, `${whole.history.length} epochs`);
    // Interrupted after an epoch that did not improve (its best weights are older).
    const vals = whole.history.map((h) => h.validation as number);
    const cut = vals.findIndex((v, i) => i > 0 && v >= Math.min(...vals.slice(0, i))) + 1;
    assert(cut > 1 && cut < whole.history.length, `an epoch without improvement: ${vals}`);
    let epochs = 0;
    const part = await trainCae(frames, [T, H, W], {
      ...opts,
      checkpoint: `${dir}/ck`,
      shouldStop: () => ++epochs >= cut,
    });
    assertEquals(part.history.length, cut);
    const rest = await trainCae(frames, [T, H, W], {
      ...opts,
      checkpoint: `${dir}/ck`,
      resume: true,
    });
    assertEquals(rest.stoppedEarly, true);
    assertEquals(rest.history.map((h) => h.loss), whole.history.map((h) => h.loss));
    for (const k of Object.keys(whole.cae.variables)) {
      assertEquals(
        Array.from(rest.cae.variables[k].dataSync()),
        Array.from(whole.cae.variables[k].dataSync()),
        `${k}: the best epoch's weights`,
      );
    }
    for (const r of [whole, part, rest]) {
      for (const v of Object.values(r.cae.variables)) v.dispose();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeCheckpoint() replaces a checkpoint only whole: the previous tensors go after the new manifest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const key = await settingsKey({ a: 1 });
    const at = (
      x: number,
    ) => [{ name: "w", kind: "w" as const, shape: [2], data: Float32Array.of(x, x) }, {
      name: "w",
      kind: "m" as const,
      shape: [2],
      data: Float32Array.of(0, 0),
    }, { name: "w", kind: "v" as const, shape: [2], data: Float32Array.of(0, 0) }];
    await writeCheckpoint(dir, {
      tensors: at(1),
      t: 1,
      history: [],
      settings: key,
      finished: false,
    });
    const first = (await manifest(dir)).tensors.file;
    await writeCheckpoint(dir, {
      tensors: at(2),
      t: 2,
      history: [],
      settings: key,
      finished: false,
    });
    const second = (await manifest(dir)).tensors.file;
    assert(first !== second, "a new file per checkpoint");
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(files, ["metrics.jsonl", "state.json", second].sort(), "the old one removed");
    const ck = await readCheckpoint(dir, key, { w: [2] });
    assertEquals([ck.t, ...ck.weights.w.data], [2, 2, 2]);
    const shape = await assertRejects(() => readCheckpoint(dir, key, { w: [3] }), SparsedynError);
    assert(shape.message.includes(`"w" does not fit`), shape.message);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
