// The wasm kernels that move or sum data in JavaScript (Transpose where the innermost axis
// moves, PadV2, Sum over leading axes), against the cpu backend on random shapes: moves
// must be bit-exact, sums close to 1e-6; the cases they leave to the backend's own kernel
// must stay right too.
import { useBackend } from "../../../core/model/backend.ts";
import { tf } from "../../../core/model/tf.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { isWrapper, WRAPPED_KERNELS } from "../../../core/model/kernels/mod.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

type Backend = "cpu" | "wasm";

function randomShape(u: () => number, rank: number, maxSize: number): number[] {
  return Array.from({ length: rank }, () =>
    // Size-1 axes now and then: they are dropped before the runs are found.
    u() < 0.15 ? 1 : 1 + Math.floor(u() * maxSize));
}

function shuffled(u: () => number, n: number): number[] {
  const p = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

async function on<T>(backend: Backend, f: () => T): Promise<T> {
  await useBackend(backend);
  return f();
}

function values(shape: number[], dtype: "float32" | "int32", seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = uniform(seed);
  return dtype === "float32"
    ? tf.tensor(Float32Array.from(normals(u, n)), shape, "float32")
    : tf.tensor(Int32Array.from({ length: n }, () => Math.floor((u() - 0.5) * 2 ** 31)), shape);
}

Deno.test("the data kernels are registered on wasm, over the backend's own", async () => {
  await useBackend("wasm");
  for (const k of WRAPPED_KERNELS) {
    assert(isWrapper(tf.getKernel(k.kernelName, "wasm")?.kernelFunc), `${k.kernelName} wrapped`);
  }
});

Deno.test("Transpose on wasm equals cpu, bit for bit, on 120 random shapes and permutations (float32, int32)", async () => {
  const u = uniform(5);
  for (let t = 0; t < 120; t++) {
    const rank = 1 + Math.floor(u() * 5);
    const shape = randomShape(u, rank, rank <= 2 ? 70 : 9);
    const perm = shuffled(u, rank);
    const dtype = t % 3 === 2 ? "int32" : "float32";
    const run = (b: Backend) =>
      on(b, () =>
        tf.tidy(() => {
          const y = tf.transpose(values(shape, dtype, t), perm);
          return { shape: y.shape, data: Array.from(new Int32Array(y.dataSync().buffer)) };
        }));
    const ref = await run("cpu"), got = await run("wasm");
    assertEquals(got.shape, ref.shape, `shape ${shape} perm ${perm}`);
    assertEquals(got.data, ref.data, `values of ${dtype} ${shape} perm ${perm}`);
  }
});

Deno.test("Transpose on wasm: the NHWC → [C, H, W, N] map of a filter gradient, and a bool tensor", async () => {
  const run = (b: Backend) =>
    on(b, () =>
      tf.tidy(() => {
        const x = values([8, 13, 11, 16], "float32", 3);
        const mask = tf.greater(x, 0);
        return {
          f: Array.from(tf.transpose(x, [3, 1, 2, 0]).dataSync()),
          b: Array.from(tf.transpose(mask, [3, 1, 2, 0]).dataSync()),
        };
      }));
  const ref = await run("cpu"), got = await run("wasm");
  assertEquals(got.f, ref.f);
  assertEquals(got.b, ref.b);
});

Deno.test("PadV2 on wasm equals cpu, bit for bit, on 80 random shapes and paddings (constant ≠ 0, int32 too)", async () => {
  const u = uniform(9);
  for (let t = 0; t < 80; t++) {
    const rank = 1 + Math.floor(u() * 4);
    const shape = randomShape(u, rank, 7);
    const pads = shape.map(() =>
      [u() < 0.4 ? 0 : Math.floor(u() * 3), u() < 0.4 ? 0 : Math.floor(u() * 3)] as [
        number,
        number,
      ]
    );
    const dtype = t % 4 === 3 ? "int32" : "float32";
    const c = t % 2 === 0 ? 0 : -1.5 * (t % 5);
    const run = (b: Backend) =>
      on(b, () =>
        tf.tidy(() => {
          const y = tf.pad(
            values(shape, dtype, 100 + t),
            pads,
            dtype === "int32" ? Math.round(c) : c,
          );
          return { shape: y.shape, data: Array.from(y.dataSync()) };
        }));
    const ref = await run("cpu"), got = await run("wasm");
    assertEquals(got.shape, ref.shape, `shape ${shape} pads ${JSON.stringify(pads)}`);
    assertEquals(got.data, ref.data, `values ${dtype} ${shape} pads ${JSON.stringify(pads)}`);
  }
});

Deno.test("Sum on wasm equals cpu (relative 1e-6) over leading axes, keepDims, other axes and all axes", async () => {
  const u = uniform(13);
  const cases: { shape: number[]; axis: number[] | null; keepDims: boolean }[] = [
    { shape: [64, 32, 32, 16], axis: [0, 1, 2], keepDims: false }, // a bias's gradient
    { shape: [5, 7, 3], axis: [0], keepDims: true },
    { shape: [5, 7, 3], axis: [1, 0], keepDims: false }, // unsorted
    { shape: [5, 7, 3], axis: [-3, -2], keepDims: true }, // negative
    { shape: [5, 7, 3], axis: [1], keepDims: false }, // not leading: the backend's own
    { shape: [5, 7, 3], axis: [0, 1, 2], keepDims: false }, // all axes
    { shape: [5, 7, 3], axis: null, keepDims: false },
    { shape: [9, 1, 4], axis: [0, 1], keepDims: false },
  ];
  for (let t = 0; t < 20; t++) {
    const rank = 2 + Math.floor(u() * 3);
    const shape = randomShape(u, rank, 12);
    cases.push({
      shape,
      axis: [...Array(1 + Math.floor(u() * (rank - 1))).keys()],
      keepDims: u() < 0.5,
    });
  }
  for (const [i, c] of cases.entries()) {
    const run = (b: Backend) =>
      on(b, () =>
        tf.tidy(() => {
          const y = tf.sum(values(c.shape, "float32", 200 + i), c.axis ?? undefined, c.keepDims);
          return { shape: y.shape, data: Float32Array.from(y.dataSync()) };
        }));
    const ref = await run("cpu"), got = await run("wasm");
    assertEquals(got.shape, ref.shape, `shape of ${JSON.stringify(c)}`);
    let err = 0, scale = 1e-6;
    for (let k = 0; k < ref.data.length; k++) {
      err = Math.max(err, Math.abs(got.data[k] - ref.data[k]));
      scale = Math.max(scale, Math.abs(ref.data[k]));
    }
    assert(
      err <= 1e-6 * scale * Math.sqrt(c.shape.reduce((a, b) => a * b, 1)),
      `${JSON.stringify(c)}: ${err}`,
    );
  }
});

Deno.test("Identity on wasm shares the data, and the clone outlives its source with the right values", async () => {
  await useBackend("wasm");
  const x = tf.tensor([1.5, -2, 3], [3]);
  const before = tf.engine().backend.numDataIds();
  const y = tf.clone(x);
  assertEquals(tf.engine().backend.numDataIds(), before, "no new buffer");
  x.dispose();
  assertEquals(Array.from(y.dataSync()), [1.5, -2, 3]);
  y.dispose();
  assertEquals(tf.engine().backend.numDataIds(), before - 1, "freed with the last reference");
  // A variable assigned after a clone was taken: the clone keeps the old values.
  const v = tf.variable(tf.tensor([1, 2]));
  const c = tf.clone(v);
  v.assign(tf.tensor([5, 6]));
  assertEquals(Array.from(c.dataSync()), [1, 2]);
  assertEquals(Array.from(v.dataSync()), [5, 6]);
  tf.dispose([c, v]);
});
