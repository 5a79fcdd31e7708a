// `sparsedyn train --backend torch`: it says which torch trains and the run records the
// backend (its exact resume is tested in tests/core/model/torch_backend_test.ts); encode and
// maps on torch give the cpu backend's latents and maps; --device is checked (exit 2, the flag
// named); a device torch cannot use is refused with the reason, before any output. Needs torch
// (tests/setup.sh installs the CPU build).
import { assert, assertEquals } from "../_helpers/assert.ts";
import { decodeNpy } from "../../core/data/npy.ts";
import { cli } from "./_run.ts";

Deno.test("sparsedyn train --backend torch trains and names its torch; --device checked; CUDA refused with the reason", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const s = await cli([
      "synth",
      "--out",
      `${dir}/s`,
      "--height",
      "16",
      "--width",
      "16",
      "--frames",
      "96",
      "--cells",
      "3",
    ]);
    assertEquals(s.code, 0, s.stderr);
    const train = (out: string, ...extra: string[]) =>
      cli([
        "train",
        `${dir}/s/movie.npy`,
        "--out",
        out,
        "--backend",
        "torch",
        "--device",
        "cpu",
        "--window",
        "16",
        ...extra,
      ]);
    const whole = await train(`${dir}/a`, "--epochs", "2");
    assertEquals(whole.code, 0, whole.stderr);
    assert(/sparsedyn: torch \d+\.\d+\.\d+\S* on cpu from /.test(whole.stderr), whole.stderr);
    const config = JSON.parse(await Deno.readTextFile(`${dir}/a/config.json`));
    assertEquals(config.backend ?? config.training?.backend, "torch", "the run records torch");

    // encode on torch: the latents of the cpu backend (the reference), to float32 rounding.
    const latents: number[][] = [];
    for (const backend of ["torch", "cpu"]) {
      const e = await cli([
        "encode",
        `${dir}/a`,
        `${dir}/s/movie.npy`,
        "--engine",
        "tfjs",
        "--backend",
        backend,
        "--out",
        `${dir}/${backend}.npy`,
      ]);
      assertEquals(e.code, 0, e.stderr);
      const npy = decodeNpy(await Deno.readFile(`${dir}/${backend}.npy`), backend);
      latents.push(Array.from(npy.data as ArrayLike<number>));
    }
    const scale = Math.max(...latents[1].map(Math.abs));
    const err = Math.max(...latents[1].map((v, i) => Math.abs(v - latents[0][i])));
    assert(latents[0].length === latents[1].length && scale > 0, "latents of the whole movie");
    assert(err <= 1e-4 * scale, `torch latents vs cpu: relative error ${err / scale}`);
    // maps on torch: the cpu backend's maps (saliency and integrated gradients).
    const maps: number[][] = [];
    for (const backend of ["torch", "cpu"]) {
      const m = await cli([
        "maps",
        `${dir}/a`,
        "--backend",
        backend,
        "--frames",
        "8",
        "--force",
      ]);
      assertEquals(m.code, 0, m.stderr);
      for (const name of ["all_saliency.npy", "all_ig.npy"]) {
        const npy = decodeNpy(await Deno.readFile(`${dir}/a/maps/${name}`), name);
        maps.push(Array.from(npy.data as ArrayLike<number>));
      }
    }
    for (const k of [0, 1]) {
      const ref = maps[k + 2], got = maps[k];
      const scale = Math.max(...ref.map(Math.abs));
      const e = Math.max(...ref.map((v, i) => Math.abs(v - got[i])));
      assert(ref.length === got.length && scale > 0, "maps of the frame");
      assert(e <= 1e-3 * scale, `map ${k}: torch vs cpu relative error ${e / scale}`);
    }

    for (
      const [args, flag] of [
        [["--backend", "torch", "--device", "gpu"], "--device"],
        [["--backend", "wasm", "--device", "cpu"], "--device"],
        [["--backend", "pytorch"], "--backend"],
      ] as const
    ) {
      const u = await cli(["train", `${dir}/s/movie.npy`, "--out", `${dir}/u`, ...args]);
      assertEquals(u.code, 2, `${args.join(" ")}: ${u.stderr}`);
      assert(u.stderr.includes(flag), u.stderr);
    }
    let gpu = true;
    try {
      Deno.statSync("/dev/nvidia0");
    } catch {
      gpu = false;
    }
    if (!gpu) {
      const c = await cli([
        "train",
        `${dir}/s/movie.npy`,
        "--out",
        `${dir}/c`,
        "--backend",
        "torch",
        "--device",
        "cuda",
      ]);
      assert(c.code !== 0, "no CUDA here");
      assert(/CPU-only build|no usable GPU/.test(c.stderr), c.stderr);
      assert(!(await Deno.stat(`${dir}/c`).catch(() => null)), "no output from a refused run");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
