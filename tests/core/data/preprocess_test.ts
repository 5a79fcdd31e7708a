// Each preprocessing step against a direct in-memory computation on a random movie, for
// several chunk sizes (streaming must not change a single value).
import { openMovie } from "../../../core/data/movie.ts";
import { encodeNpy } from "../../../core/data/npy.ts";
import {
  meanImage,
  pixelStats,
  preprocessFrames,
  type PreprocessSpec,
} from "../../../core/data/preprocess.ts";
import { preprocessToNpy } from "../../../core/data/preprocess_write.ts";
import { decodeNpy } from "../../../core/data/npy.ts";
import { parseLabeledInputs, splitWindows, windowStarts } from "../../../core/data/windows.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";

const T = 37, H = 9, W = 11;
const raw = normals(uniform(5), T * H * W).map((v, i) => 100 + 10 * v + (i % 7)); // positive, like fluorescence
const dir = await Deno.makeTempDir();
await Deno.writeFile(`${dir}/m.npy`, encodeNpy(raw, [T, H, W]));

/** Direct crop → block mean → bin, in float64. */
function direct(spec: PreprocessSpec) {
  const top = spec.crop?.top ?? 0, left = spec.crop?.left ?? 0;
  const ch = spec.crop?.height ?? H, cw = spec.crop?.width ?? W;
  const ds = spec.downsample ?? 1, bin = spec.bin ?? 1;
  const h = Math.floor(ch / ds), w = Math.floor(cw / ds), t = Math.floor(T / bin);
  const out: number[][] = [];
  for (let f = 0; f < t; f++) {
    const frame: number[] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let b = 0; b < bin; b++) {
          for (let dy = 0; dy < ds; dy++) {
            for (let dx = 0; dx < ds; dx++) {
              s += raw[(f * bin + b) * H * W + (top + y * ds + dy) * W + left + x * ds + dx];
            }
          }
        }
        frame.push(s / (bin * ds * ds));
      }
    }
    out.push(frame);
  }
  return { frames: out, h, w };
}

async function collect(spec: PreprocessSpec) {
  const m = await openMovie(`${dir}/m.npy`);
  const chunks: number[][] = [];
  try {
    for await (const c of preprocessFrames(m, spec)) {
      const px = c.frames.length / c.count;
      assertEquals(c.start, chunks.length, "chunks arrive in order");
      for (let f = 0; f < c.count; f++) {
        chunks.push(Array.from(c.frames.subarray(f * px, (f + 1) * px)));
      }
    }
  } finally {
    m.close();
  }
  return chunks;
}

function close(a: number[][], b: number[][], tol: number, what: string) {
  assertEquals(a.length, b.length, `${what}: frames`);
  for (let f = 0; f < a.length; f++) {
    assertEquals(a[f].length, b[f].length, `${what}: pixels`);
    for (let q = 0; q < a[f].length; q++) {
      assert(
        Math.abs(a[f][q] - b[f][q]) <= tol * (1 + Math.abs(b[f][q])),
        `${what}: frame ${f} pixel ${q}: ${a[f][q]} vs ${b[f][q]}`,
      );
    }
  }
}

const SPECS: PreprocessSpec[] = [
  {},
  { crop: { top: 1, left: 2, height: 7, width: 8 } },
  { downsample: 2 },
  { bin: 3 },
  { crop: { top: 0, left: 1, height: 9, width: 9 }, downsample: 3, bin: 2 },
];

for (const spec of SPECS) {
  Deno.test(`preprocessFrames() ${JSON.stringify(spec)} equals the direct computation, for chunks of 1, 5 and 64`, async () => {
    const want = direct(spec).frames;
    for (const chunk of [1, 5, 64]) {
      close(await collect({ ...spec, chunk }), want, 1e-6, `chunk ${chunk}`);
    }
  });
}

Deno.test("z-score, whole-movie scaling and the mean image equal the direct per-pixel statistics", async () => {
  const spec: PreprocessSpec = { downsample: 2, bin: 2 };
  const { frames } = direct(spec);
  const px = frames[0].length;
  const mean = Array.from(
    { length: px },
    (_, q) => frames.reduce((s, f) => s + f[q], 0) / frames.length,
  );
  const std = mean.map((m, q) =>
    Math.sqrt(frames.reduce((s, f) => s + (f[q] - m) ** 2, 0) / frames.length)
  );
  const want = frames.map((f) => f.map((v, q) => (v - mean[q]) / std[q]));
  for (const chunk of [1, 7]) {
    close(await collect({ ...spec, normalize: "zscore", chunk }), want, 1e-5, "zscore");
  }
  // "scale": one mean and standard deviation over every pixel of every frame.
  const all = frames.flatMap((f) => Array.from(f));
  const mu = all.reduce((a, v) => a + v, 0) / all.length;
  const sd = Math.sqrt(all.reduce((a, v) => a + (v - mu) ** 2, 0) / all.length);
  const scaled = frames.map((f) => f.map((v) => (v - mu) / sd));
  close(await collect({ ...spec, normalize: "scale", chunk: 3 }), scaled, 1e-4, "scale");
  const m = await openMovie(`${dir}/m.npy`);
  const stats = await pixelStats(m, spec);
  const mi = await meanImage(m, spec);
  m.close();
  for (let q = 0; q < px; q++) {
    // Processed frames are float32: agreement to float32 rounding.
    assert(
      Math.abs(stats.mean[q] - mean[q]) < 1e-6 * mean[q] &&
        Math.abs(stats.std[q] - std[q]) < 1e-5 * std[q],
      `stats ${q}`,
    );
    assert(Math.abs(mi[q] - mean[q]) < 1e-4, `mean image ${q}`);
  }
});

/** Sort-based percentile, independent of the reader's quickselect. */
function pct(values: number[], q: number) {
  const s = [...values].sort((a, b) => a - b), p = (q / 100) * (s.length - 1), lo = Math.floor(p);
  return lo + 1 < s.length ? s[lo] + (p - lo) * (s[lo + 1] - s[lo]) : s[lo];
}

for (const [window, stride, q] of [[9, 3, 8], [10, 4, 20], [37, 1, 50], [5, 7, 0]]) {
  Deno.test(`ΔF/F (window ${window}, stride ${stride}, percentile ${q}) equals the direct running-percentile computation`, async () => {
    const spec: PreprocessSpec = {
      downsample: 2,
      normalize: "dff",
      dff: { window, stride, percentile: q },
    };
    const { frames } = direct({ downsample: 2 });
    const n = frames.length, px = frames[0].length, h = Math.floor(window / 2);
    const anchors: number[] = [];
    for (let a = 0; a < n - 1; a += stride) anchors.push(a);
    anchors.push(n - 1);
    const base = anchors.map((a) =>
      Array.from(
        { length: px },
        (_, p) =>
          pct(frames.slice(Math.max(0, a - h), Math.min(n - 1, a + h) + 1).map((f) => f[p]), q),
      )
    );
    const want = frames.map((f, t) => {
      let k = anchors.findIndex((a, i) => i + 1 < anchors.length && t >= a && t < anchors[i + 1]);
      if (k < 0) k = anchors.length - 2;
      const a0 = anchors[k], a1 = anchors[k + 1], w = (t - a0) / (a1 - a0);
      return f.map((v, p) => {
        const f0 = base[k][p] + w * (base[k + 1][p] - base[k][p]);
        return (v - f0) / Math.max(f0, 1e-6);
      });
    });
    for (const chunk of [1, 6, 64]) {
      close(await collect({ ...spec, chunk }), want, 1e-5, `dff chunk ${chunk}`);
    }
  });
}

Deno.test("preprocessToNpy() writes the frames and the mean image, and bad settings are refused by name", async () => {
  const m = await openMovie(`${dir}/m.npy`);
  try {
    const r = await preprocessToNpy(m, {
      crop: { top: 1, left: 1, height: 8, width: 8 },
      downsample: 2,
    }, `${dir}/out.npy`);
    const out = decodeNpy(await Deno.readFile(`${dir}/out.npy`), "out.npy");
    assertEquals(out.shape, [T, 4, 4]);
    close(
      [Array.from(out.data.subarray(0, 16))],
      [direct({ crop: { top: 1, left: 1, height: 8, width: 8 }, downsample: 2 }).frames[0]],
      1e-6,
      "first frame",
    );
    const mean = decodeNpy(await Deno.readFile(r.meanPath), "mean");
    assertEquals(mean.shape, [4, 4]);
    const run = (spec: PreprocessSpec) => preprocessFrames(m, spec).next();
    for (
      const [spec, arg] of [
        [{ crop: { top: 5, left: 0, height: 9, width: 3 } }, "crop"],
        [{ downsample: 0 }, "downsample"],
        [{ bin: 100 }, "bin"],
        [{ normalize: "log" as "dff" }, "normalize"],
        [{ normalize: "dff" as const, dff: { percentile: 120 } }, "dff.percentile"],
      ] as const
    ) {
      let err: unknown;
      try {
        await run(spec as PreprocessSpec);
      } catch (e) {
        err = e;
      }
      assert(
        err instanceof SparsedynError && err.argument === arg,
        `${JSON.stringify(spec)}: ${err}`,
      );
    }
  } finally {
    m.close();
  }
});

Deno.test("windows: starts, and a time-ordered split without overlap", () => {
  assertEquals(windowStarts(10, 4, 3), [0, 3, 6]);
  assertEquals(windowStarts(10, 10, 1), [0]);
  assertEquals(windowStarts(10, 11, 1), []);
  for (
    const [frames, L, stride, frac] of [[100, 10, 5, 0.2], [1000, 64, 16, 0.25], [57, 8, 3, 0.3]]
  ) {
    const s = splitWindows(frames, L, stride, frac);
    for (const t of s.train) assert(t + L <= s.cut, "training windows end before the cut");
    for (const v of s.validation) {
      assert(v >= s.cut && v + L <= frames, "validation windows after the cut");
    }
    const lastTrain = Math.max(...s.train.map((t) => t + L)), firstVal = Math.min(...s.validation);
    assert(lastTrain <= firstVal, "no validation window shares a frame with a training window");
  }
  assertThrows(() => splitWindows(20, 15, 1, 0.5), SparsedynError, { argument: "length" });
  assertThrows(() => windowStarts(10, 0, 1), SparsedynError, { argument: "length" });
});

Deno.test("condition labels per input file", () => {
  assertEquals(
    parseLabeledInputs(["familiar:a.tif", "novel:/data/b.tif", "c.tif", "C:\\x\\d.tif"]),
    [
      { label: "familiar", path: "a.tif" },
      { label: "novel", path: "/data/b.tif" },
      { label: "all", path: "c.tif" },
      { label: "all", path: "C:\\x\\d.tif" },
    ],
  );
});
