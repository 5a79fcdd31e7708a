// Benchmark: streaming a large movie from disk — a TIFF and an NPY written here (2 GiB
// each by default; not committed) — through read, and through read → 2×2 downsampling →
// z-score (two passes). Prints throughput (MB/s of file read) and peak RSS; in the same
// run, Python's tifffile reads the same TIFF page by page, and the table shows the ratio.
//
//   deno task bench        (or: deno run -A tests/bench/movie_io.ts [--gib 2])
import { openMovie } from "../../core/data/movie.ts";
import { NpyWriter } from "../../core/data/npy_writer.ts";
import { preprocessFrames } from "../../core/data/preprocess.ts";
import { TiffWriter } from "../../core/data/tiff_writer.ts";

const gibArg = Deno.args.indexOf("--gib");
const GIB = gibArg >= 0 ? Number(Deno.args[gibArg + 1]) : 2;
const H = 512, W = 512;
const dir = await Deno.makeTempDir({ prefix: "sparsedyn-bench-" });
let peak = 0;
const sample = () => (peak = Math.max(peak, Deno.memoryUsage().rss));

function frame(t: number, out: Uint16Array | Float32Array) {
  for (let q = 0; q < out.length; q++) out[q] = ((q * 7 + t * 13) % 4000) + 100;
}

async function writeFiles() {
  const tiffFrames = Math.round((GIB * 2 ** 30) / (H * W * 2));
  const npyFrames = Math.round((GIB * 2 ** 30) / (H * W * 4));
  const tw = await TiffWriter.create(`${dir}/movie.tif`, {
    frames: tiffFrames,
    height: H,
    width: W,
    type: "uint16",
  });
  const u16 = new Uint16Array(H * W);
  for (let t = 0; t < tiffFrames; t++) {
    frame(t, u16);
    await tw.write(u16);
  }
  await tw.close();
  const nw = await NpyWriter.create(`${dir}/movie.npy`, [npyFrames, H, W], "<f4");
  const f32 = new Float32Array(H * W);
  for (let t = 0; t < npyFrames; t++) {
    frame(t, f32);
    await nw.write(f32);
  }
  await nw.close();
}

async function readAll(path: string) {
  const m = await openMovie(path);
  const size = (await Deno.stat(path)).size;
  peak = 0;
  const t0 = performance.now();
  let checksum = 0;
  for (let t = 0; t < m.frames; t += 16) {
    const c = await m.read(t, Math.min(16, m.frames - t));
    checksum += c[0];
    sample();
  }
  const s = (performance.now() - t0) / 1000;
  m.close();
  return { mbps: size / 1e6 / s, rss: peak / 2 ** 20, checksum };
}

async function pipeline(path: string) {
  const m = await openMovie(path);
  const size = (await Deno.stat(path)).size;
  peak = 0;
  const t0 = performance.now();
  for await (const _ of preprocessFrames(m, { downsample: 2, normalize: "zscore", chunk: 16 })) {
    sample();
  }
  const s = (performance.now() - t0) / 1000;
  m.close();
  return { mbps: (2 * size) / 1e6 / s, rss: peak / 2 ** 20 }; // z-score reads the file twice
}

async function tifffile(path: string) {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [new URL("./tifffile_peer.py", import.meta.url).pathname, path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  return { mbps: (await Deno.stat(path)).size / 1e6 / r.seconds, version: r.tifffile as string };
}

try {
  await writeFiles();
  const rows: string[][] = [];
  for (const name of ["movie.tif", "movie.npy"]) {
    const path = `${dir}/${name}`;
    const size = (await Deno.stat(path)).size;
    await readAll(path); // warm the page cache, as the peer will find it
    const r = await readAll(path);
    const p = await pipeline(path);
    const peer = name.endsWith(".tif") ? await tifffile(path) : undefined;
    rows.push([
      name,
      (size / 2 ** 30).toFixed(2) + " GiB",
      r.mbps.toFixed(0),
      p.mbps.toFixed(0),
      Math.max(r.rss, p.rss).toFixed(0),
      peer ? peer.mbps.toFixed(0) : "—",
      peer ? (r.mbps / peer.mbps).toFixed(2) + "×" : "—",
      peer ? (p.mbps / peer.mbps).toFixed(2) + "×" : "—",
    ]);
    if (peer) rows[rows.length - 1].push(peer.version);
  }
  const head = [
    "file",
    "size",
    "read MB/s",
    "read→downsample→z-score MB/s",
    "peak RSS MiB",
    "tifffile MB/s",
    "read / tifffile",
    "pipeline / tifffile",
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    "| " + r.slice(0, head.length).map((c, i) => c.padStart(widths[i])).join(" | ") + " |";
  console.log(
    `Streaming ${H}×${W} movies from disk (page cache warm); peer: tifffile ${
      rows[0][8] ?? "?"
    }, page by page`,
  );
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(r));
} finally {
  await Deno.remove(dir, { recursive: true });
}
