// Bad movie files: each gives a SparsedynError that names the file and the reason; and a
// seeded fuzz test (1000 mutated or truncated files per format) never sees another kind
// of exception, a hang, or an unbounded allocation.
import { openMovie } from "../../../core/data/movie.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { uniform } from "../../../core/data/random.ts";
import { encodeNpy } from "../../../core/data/npy.ts";
import { readSuite2pOps } from "../../../core/data/suite2p_movie.ts";
import { assert } from "../../_helpers/assert.ts";

const dir = new URL("../../../fixtures/movies/", import.meta.url).pathname;

async function fails(path: string, code: string, reason: string, options = {}, readAll = false) {
  let err: unknown;
  try {
    const m = await openMovie(path, options);
    try {
      if (readAll) await m.read(0, m.frames);
    } finally {
      m.close();
    }
  } catch (e) {
    err = e;
  }
  assert(err instanceof SparsedynError, `${path}: expected a SparsedynError, got ${err}`);
  assert(err.code === code, `${path}: code ${err.code}, expected ${code} (${err.message})`);
  assert(
    err.message.includes(path.split("/").pop()!),
    `the message names the file: ${err.message}`,
  );
  assert(err.message.includes(reason), `expected "${reason}" in: ${err.message}`);
}

async function patched(
  name: string,
  patch: (b: Uint8Array) => Uint8Array,
  ext = name.slice(name.lastIndexOf(".")),
) {
  const bytes = patch((await Deno.readFile(dir + name)).slice());
  const p = await Deno.makeTempFile({ suffix: ext });
  await Deno.writeFile(p, bytes);
  return p;
}

Deno.test("openMovie() names the file and the reason for every kind of bad input", async () => {
  await fails(`${dir}does_not_exist.tif`, "IO", "No such file");
  await fails(`${dir}manifest.json`, "BAD_FILE", "unknown movie format");
  const d = await Deno.makeTempDir({ suffix: ".tif" });
  await fails(d, "BAD_FILE", "is a directory");
  await fails(`${dir}bad/mixed_sizes.tif`, "BAD_FILE", "pages differ in size");
  await fails(`${dir}bad/rgb.tif`, "BAD_FILE", "3 samples per pixel");
  await fails(`${dir}bad/zero_frames.npy`, "BAD_FILE", "no frames");
  await fails(`${dir}bad/nan_frame.npy`, "BAD_FILE", "frame 3 holds a non-finite value", {}, true);
  await fails(`${dir}no_series.nwb`, "BAD_FILE", "without an imaging series");
  // Wrong magic, a truncated header, truncated pixel data.
  await fails(
    await patched("u16_lzw.tif", (b) => (b[0] = 0x58, b)),
    "BAD_FILE",
    "is not a TIFF file: it is binary data",
  );
  await fails(await patched("u8_c.npy", (b) => (b[1] = 0, b)), "BAD_FILE", "magic");
  await fails(await patched("u8_c.npy", (b) => b.subarray(0, 60)), "BAD_FILE", "truncated");
  await fails(
    await patched("f8_c.npy", (b) => b.subarray(0, b.length - 8)),
    "BAD_FILE",
    "truncated",
  );
  await fails(
    await patched("u8_none.tif", (b) => b.subarray(0, 200)),
    "BAD_FILE",
    "truncated",
    {},
    true,
  );
  await fails(
    await patched("tiny_two_photon.nwb", (b) => (b[1] = 0x49, b)),
    "BAD_FILE",
    "not an HDF5 file",
  );
  // An unsupported compression (JPEG, 7) and bit depth (12): patch the tags' values.
  const tagValue = (tag: number, value: number) => (b: Uint8Array) => {
    const v = new DataView(b.buffer);
    for (let ifd = v.getUint32(4, true); ifd !== 0;) {
      const n = v.getUint16(ifd, true);
      for (let e = 0; e < n; e++) {
        if (v.getUint16(ifd + 2 + 12 * e, true) === tag) {
          v.setUint16(ifd + 2 + 12 * e + 8, value, true);
        }
      }
      ifd = v.getUint32(ifd + 2 + 12 * n, true);
    }
    return b;
  };
  await fails(
    await patched("u16_strips3.tif", tagValue(259, 7)),
    "BAD_FILE",
    "unsupported compression 7",
  );
  await fails(
    await patched("u16_strips3.tif", tagValue(258, 12)),
    "BAD_FILE",
    "unsupported bit depth 12",
  );
  // Suite2p: a size that is not whole frames; no ops.npy and no sizes given.
  const s2p = await Deno.makeTempDir();
  await Deno.writeFile(`${s2p}/data.bin`, new Uint8Array(7));
  await fails(`${s2p}/data.bin`, "BAD_FILE", "no ops.npy beside it");
  await fails(`${s2p}/data.bin`, "BAD_FILE", "not a whole number", { height: 2, width: 2 });
  // NPY of (T, H·W) without the frame size.
  await fails(`${dir}u16_flat.npy`, "BAD_FILE", "give height and width");
  const flat = await Deno.makeTempFile({ suffix: ".npy" });
  await Deno.writeFile(flat, encodeNpy(new Float64Array(12), [12]));
  await fails(flat, "BAD_FILE", "expected shape (T, H, W)");
});

/** Mutates or truncates a file 1000 times; every outcome is a movie or a SparsedynError. */
async function fuzz(files: string[], seed: number, options = {}) {
  const u = uniform(seed);
  const originals = await Promise.all(files.map((f) => Deno.readFile(dir + f)));
  const tmp = await Deno.makeTempDir();
  let opened = 0, refused = 0;
  try {
    for (let c = 0; c < 1000; c++) {
      const k = Math.floor(u() * files.length);
      const name = files[k];
      const bytes = originals[k].slice();
      if (u() < 0.35) {
        // Truncation anywhere.
        const cut = Math.floor(u() * bytes.length);
        await Deno.writeFile(`${tmp}/${name.replaceAll("/", "_")}`, bytes.subarray(0, cut));
      } else {
        // 1-8 random bytes, mostly in the header and directories (the first 512 bytes).
        const n = 1 + Math.floor(u() * 8);
        for (let i = 0; i < n; i++) {
          const at = u() < 0.7
            ? Math.floor(u() * Math.min(512, bytes.length))
            : Math.floor(u() * bytes.length);
          bytes[at] = Math.floor(u() * 256);
        }
        await Deno.writeFile(`${tmp}/${name.replaceAll("/", "_")}`, bytes);
      }
      const path = `${tmp}/${name.replaceAll("/", "_")}`;
      try {
        const m = await openMovie(path, options);
        try {
          await m.read(0, Math.min(m.frames, 16));
          opened++;
        } finally {
          m.close();
        }
      } catch (err) {
        if (!(err instanceof SparsedynError)) throw new Error(`case ${c} (${name}): ${err}`);
        refused++;
      }
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  return { opened, refused };
}

Deno.test("fuzz: 1000 mutated or truncated TIFF files give movies or typed errors, nothing else", async () => {
  const r = await fuzz([
    "u16_lzw.tif",
    "u16_deflate_predictor.tif",
    "i16_packbits.tif",
    "u16_tiles.tif",
    "u16_bigtiff.tif",
    "u16_bigendian.tif",
    "scanimage_2ch.tif",
  ], 1);
  assert(r.refused > 100 && r.opened > 20, `both outcomes occur: ${JSON.stringify(r)}`);
});

Deno.test("fuzz: 1000 mutated or truncated NPY files give movies or typed errors, nothing else", async () => {
  const r = await fuzz(["u16_f.npy", "i16_c_v2.npy", "f4_f_v3.npy", "u8_c.npy"], 2);
  assert(r.refused > 100 && r.opened > 20, `both outcomes occur: ${JSON.stringify(r)}`);
});

Deno.test("fuzz: 1000 mutated or truncated NWB/HDF5 files give movies or typed errors, nothing else", async () => {
  // A corrupt file can send the HDF5 library into an endless loop; the reader's time
  // limit (short here, so that such a case costs seconds) stops it and restarts the thread.
  const r = await fuzz(["tiny_two_photon.nwb", "plain.h5"], 3, { hdf5TimeoutMs: 3000 });
  assert(r.refused > 100, `refusals occur: ${JSON.stringify(r)}`);
  // The HDF5 library still works after a thousand corrupt files.
  const m = await openMovie(dir + "tiny_two_photon.nwb");
  assert(m.frames === 6, "a valid file still opens");
  m.close();
});

Deno.test("fuzz: 1000 mutated or truncated Suite2p ops.npy pickles give frame sizes or typed errors", async () => {
  const original = await Deno.readFile(`${dir}suite2p/plane0/ops.npy`);
  const u = uniform(4);
  const tmp = await Deno.makeTempFile({ suffix: ".npy" });
  let ok = 0, refused = 0;
  try {
    for (let c = 0; c < 1000; c++) {
      const b = original.slice();
      if (u() < 0.35) await Deno.writeFile(tmp, b.subarray(0, Math.floor(u() * b.length)));
      else {
        for (let i = 0; i < 1 + Math.floor(u() * 8); i++) {
          b[Math.floor(u() * b.length)] = Math.floor(u() * 256);
        }
        await Deno.writeFile(tmp, b);
      }
      try {
        const ops = await readSuite2pOps(tmp);
        assert(Number.isInteger(ops.Ly) && Number.isInteger(ops.Lx), "sizes are integers");
        ok++;
      } catch (err) {
        if (!(err instanceof SparsedynError)) throw new Error(`case ${c}: ${err}`);
        refused++;
      }
    }
  } finally {
    await Deno.remove(tmp);
  }
  assert(ok > 20 && refused > 20, `both outcomes occur: ${ok} read, ${refused} refused`);
});

Deno.test("a file that is not what its name says is named for what it is", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    // A text file named .tif: "not a TIFF file", what it looks like, never the byte-order jargon.
    await Deno.writeTextFile(`${tmp}/notes.tif`, "hello world\nframe rate 30 Hz\n");
    await fails(
      `${tmp}/notes.tif`,
      "BAD_FILE",
      'notes.tif is not a TIFF file: it is text, which begins "hello world frame rate 30 Hz"',
    );
    // The same text named .nwb, and a PNG named .nwb.
    await Deno.writeTextFile(`${tmp}/notes.nwb`, "hello world\n");
    await fails(
      `${tmp}/notes.nwb`,
      "BAD_FILE",
      "is not an HDF5 file (NWB files are HDF5): it is text",
    );
    await Deno.writeFile(`${tmp}/image.nwb`, Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10));
    await fails(`${tmp}/image.nwb`, "BAD_FILE", "it is a PNG image");
    // An empty .tif.
    await Deno.writeFile(`${tmp}/empty.tif`, new Uint8Array(0));
    await fails(`${tmp}/empty.tif`, "BAD_FILE", "is not a TIFF file: it is an empty file");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a truncated NWB file: the message is the cause (bytes held and expected), not the HDF5 stack", async () => {
  const full = await Deno.readFile(`${dir}tiny_two_photon.nwb`);
  for (const cut of [300, 3000, 9000]) {
    const p = await patched("tiny_two_photon.nwb", (b) => b.subarray(0, cut));
    let err: unknown;
    try {
      (await openMovie(p)).close();
    } catch (e) {
      err = e;
    }
    assert(err instanceof SparsedynError && err.code === "BAD_FILE", String(err));
    const want = `${p} is truncated: it holds ${cut} bytes, but its header says the file is ` +
      `${full.length} bytes long, so ${full.length - cut} bytes are missing`;
    assert(err.message.startsWith(want), `expected "${want}" in: ${err.message}`);
    assert(!/HDF5-DIAG|name not defined|#00\d/.test(err.message), err.message);
    assert(!err.message.includes("\n"), `one line: ${err.message}`);
    await Deno.remove(p);
  }
});

Deno.test("a folder given as a movie: Suite2p output is read, any other folder is named a folder", async () => {
  // Suite2p's plane folder, its suite2p/ folder, and the folder above it all read plane 0.
  for (const folder of ["suite2p/plane0", "suite2p", "suite2p/", "."]) {
    const m = await openMovie(`${dir}${folder}`);
    try {
      assert(m.format === "suite2p" && m.frames === 6, `${folder}: ${m.format} ${m.frames}`);
      assert(m.path.endsWith("suite2p/plane0/data.bin"), m.path);
    } finally {
      m.close();
    }
  }
  const tmp = await Deno.makeTempDir();
  try {
    await fails(tmp, "BAD_FILE", "is a directory, not a movie file; it holds no movie files");
    await Deno.copyFile(`${dir}u16_lzw.tif`, `${tmp}/day1.tif`);
    await Deno.copyFile(`${dir}u8_c.npy`, `${tmp}/day2.npy`);
    await Deno.writeTextFile(`${tmp}/notes.txt`, "not a movie");
    await fails(
      tmp,
      "BAD_FILE",
      `is a directory, not a movie file; it holds 2 movie files (${tmp}/day1.tif, ${tmp}/day2.npy): give one of them`,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
