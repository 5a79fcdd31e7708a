// Cell masks in every format: neurofinder JSON written here; NPY and Suite2p files as NumPy
// writes them (fixtures/make_cell_score_fixtures.py, base64 in cell_score_numpy.json, with
// scipy.ndimage.label's components as the reference); NWB files written here with h5wasm.
// Then bad inputs (missing file, wrong shape, pixels outside the frame, malformed JSON, a
// non-PlaneSegmentation NWB) and maskToProcessed's crop and majority downsampling.
import { relative } from "node:path";
import h5wasm from "h5wasm";
import { type CellMask, maskToProcessed, readCellMask } from "../../../core/heldout/cell_masks.ts";
import { encodeNpy } from "../../../core/data/npy.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../../_helpers/assert.ts";

interface FileCase {
  name: string;
  format?: string;
  bytes: string;
  H?: number;
  W?: number;
  cells?: number;
  labels?: number[];
}
const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../../../fixtures/cell_score_numpy.json", import.meta.url)),
) as {
  files: FileCase[];
  suite2p: {
    H: number;
    W: number;
    cellsAll: number;
    labelsAll: number[];
    cellsKept: number;
    labelsKept: number[];
  };
};
const fileBytes = (name: string) => {
  const f = fixture.files.find((f) => f.name === name)!;
  return Uint8Array.from(atob(f.bytes), (c) => c.charCodeAt(0));
};

/** Runs fn with a fresh temporary folder, removed afterwards. */
async function inTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "cell_masks_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Awaits a rejection with a SparsedynError of `code` whose message includes every part. */
async function rejects(p: () => Promise<unknown>, code: string, ...parts: string[]) {
  const err = await assertRejects(p, SparsedynError);
  assertEquals(err.code, code, err.message);
  for (const s of parts) assert(err.message.includes(s), `"${err.message}" lacks "${s}"`);
  return err;
}

// --- neurofinder -----------------------------------------------------------------------

Deno.test("readCellMask() reads neurofinder regions; overlaps stay with the first region", async () => {
  await inTemp(async (dir) => {
    const regions = [
      { id: "a", coordinates: [[0, 0], [0, 1], [1, 1]] },
      { id: "b", coordinates: [[1, 1], [2, 3]] },
      { id: "c", coordinates: [] },
    ];
    await Deno.writeTextFile(`${dir}/regions.json`, JSON.stringify(regions));
    const m = await readCellMask(`${dir}/regions.json`, { height: 3, width: 4 });
    assertEquals(m.format, "neurofinder");
    assertEquals([m.height, m.width, m.cells], [3, 4, 3]);
    assertEquals(Array.from(m.labels), [1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2]);
    assertEquals(m.path, `${dir}/regions.json`);
  });
});

Deno.test("readCellMask() refuses neurofinder JSON without a shape, outside the frame or malformed", async () => {
  await inTemp(async (dir) => {
    const p = `${dir}/regions.json`;
    await Deno.writeTextFile(p, JSON.stringify([{ id: 7, coordinates: [[0, 0], [3, 1]] }]));
    const e = await rejects(() => readCellMask(p), "INVALID_ARGUMENT", p, "give shape");
    assertEquals(e.argument, "shape");
    await rejects(
      () => readCellMask(p, { height: 3, width: 4 }),
      "BAD_FILE",
      p,
      "region 0 (id 7)",
      "[3, 1]",
      "3×4 frame",
    );
    await Deno.writeTextFile(p, JSON.stringify([{ coordinates: [[-1, 0]] }]));
    await rejects(() => readCellMask(p, { height: 3, width: 4 }), "BAD_FILE", "[-1, 0]");
    await Deno.writeTextFile(p, JSON.stringify([{ coordinates: [[0.5, 0]] }]));
    await rejects(
      () => readCellMask(p, { height: 3, width: 4 }),
      "BAD_FILE",
      "[row, col] integers",
    );
    await Deno.writeTextFile(p, JSON.stringify([{ id: 2 }]));
    await rejects(() => readCellMask(p, { height: 3, width: 4 }), "BAD_FILE", 'no "coordinates"');
    await Deno.writeTextFile(p, JSON.stringify({ regions: [] }));
    await rejects(() => readCellMask(p, { height: 3, width: 4 }), "BAD_FILE", "JSON list");
    await Deno.writeTextFile(p, '[{"id": 1, "coordinates": [[0, 0]]');
    await rejects(
      () => readCellMask(p, { height: 3, width: 4 }),
      "BAD_FILE",
      p,
      "not neurofinder JSON",
    );
  });
});

Deno.test("readCellMask() reads an empty neurofinder list as an empty mask", async () => {
  await inTemp(async (dir) => {
    await Deno.writeTextFile(`${dir}/r.json`, "[]");
    const m = await readCellMask(`${dir}/r.json`, { height: 1, width: 1 });
    assertEquals([m.cells, m.labels.length, m.labels[0]], [0, 1, 0]);
  });
});

// --- NPY -------------------------------------------------------------------------------

for (const f of fixture.files.filter((f) => f.format === "npy")) {
  Deno.test(`readCellMask() reads NumPy's ${f.name} as the reference labels`, async () => {
    await inTemp(async (dir) => {
      await Deno.writeFile(`${dir}/${f.name}`, fileBytes(f.name));
      const m = await readCellMask(`${dir}/${f.name}`);
      assertEquals(m.format, "npy");
      assertEquals([m.height, m.width, m.cells], [f.H, f.W, f.cells]);
      assertEquals(Array.from(m.labels), f.labels);
      // The same file with its own shape given: accepted.
      await readCellMask(`${dir}/${f.name}`, { height: f.H!, width: f.W! });
    });
  });
}

Deno.test("readCellMask() on NPY label images: distinct values are cells, renumbered ascending", async () => {
  await inTemp(async (dir) => {
    await Deno.writeFile(`${dir}/l.npy`, encodeNpy(Float64Array.of(9, 0, 4, 4, 0, 9), [2, 3]));
    const m = await readCellMask(`${dir}/l.npy`);
    assertEquals([m.cells, ...m.labels], [2, 2, 0, 1, 1, 0, 2]);
    // One value only (0/255): binary, cells by 8-connectivity, numbered in raster order.
    // (0, 0) and (2, 0) are two rows apart: separate cells; (1, 1) would join them.
    const b3 = Float64Array.of(255, 0, 0, 0, 0, 255, 255, 0, 0);
    await Deno.writeFile(`${dir}/b.npy`, encodeNpy(b3, [3, 3]));
    const b = await readCellMask(`${dir}/b.npy`);
    assertEquals([b.cells, ...b.labels], [3, 1, 0, 0, 0, 0, 2, 3, 0, 0]);
    b3[4] = 255;
    await Deno.writeFile(`${dir}/b.npy`, encodeNpy(b3, [3, 3]));
    const j = await readCellMask(`${dir}/b.npy`);
    assertEquals([j.cells, ...j.labels], [1, 1, 0, 0, 0, 1, 1, 1, 0, 0]);
    // Weights (non-integers) are binary too: diagonal neighbours join.
    await Deno.writeFile(`${dir}/w.npy`, encodeNpy(Float64Array.of(0.3, 0, 0, 0.7), [2, 2]));
    const w = await readCellMask(`${dir}/w.npy`);
    assertEquals([w.cells, ...w.labels], [1, 1, 0, 0, 1]);
  });
});

Deno.test("readCellMask() on degenerate NPY masks: empty, 1×1, 1×N, K = 0", async () => {
  await inTemp(async (dir) => {
    await Deno.writeFile(`${dir}/e.npy`, encodeNpy(new Float64Array(6), [2, 3]));
    const e = await readCellMask(`${dir}/e.npy`);
    assertEquals([e.cells, ...e.labels], [0, 0, 0, 0, 0, 0, 0]);
    await Deno.writeFile(`${dir}/one.npy`, encodeNpy(Float64Array.of(1), [1, 1]));
    assertEquals((await readCellMask(`${dir}/one.npy`)).cells, 1);
    await Deno.writeFile(`${dir}/row.npy`, encodeNpy(Float64Array.of(1, 1, 0, 1), [1, 4]));
    const r = await readCellMask(`${dir}/row.npy`);
    assertEquals([r.cells, ...r.labels], [2, 1, 1, 0, 2]);
    await Deno.writeFile(`${dir}/k0.npy`, encodeNpy(new Float64Array(0), [0, 2, 3]));
    const k0 = await readCellMask(`${dir}/k0.npy`);
    assertEquals([k0.cells, k0.height, k0.width, ...k0.labels], [0, 2, 3, 0, 0, 0, 0, 0, 0]);
  });
});

Deno.test("readCellMask() refuses NPY masks of the wrong shape, rank or values", async () => {
  await inTemp(async (dir) => {
    const p = `${dir}/m.npy`;
    await Deno.writeFile(p, encodeNpy(new Float64Array(6), [2, 3]));
    const e = await rejects(
      () => readCellMask(p, { height: 3, width: 2 }),
      "INVALID_ARGUMENT",
      p,
      "2×3",
      "3×2",
    );
    assertEquals(e.argument, "shape");
    await Deno.writeFile(p, encodeNpy(new Float64Array(6), [6]));
    await rejects(() => readCellMask(p), "BAD_FILE", p, "shape (6)");
    await Deno.writeFile(p, encodeNpy(Float64Array.of(0, -2, 0, 1), [2, 2]));
    await rejects(() => readCellMask(p), "BAD_FILE", "-2 at (0, 1)");
    await Deno.writeFile(p, encodeNpy(Float64Array.of(0, NaN, 0, 1), [2, 2]));
    await rejects(() => readCellMask(p), "BAD_FILE", "NaN");
    await Deno.writeFile(p, encodeNpy(new Float64Array(0), [0, 3]));
    await rejects(() => readCellMask(p), "BAD_FILE", "empty 0×3");
    // A truncated int64 file (widened by the reader itself).
    await Deno.writeFile(p, fileBytes("int64-fortran.npy").subarray(0, 140));
    await rejects(() => readCellMask(p), "BAD_FILE", p, "<i8");
  });
});

// --- Suite2p ---------------------------------------------------------------------------

const s2p = fixture.suite2p;
for (const proto of [3, 2, 5]) {
  Deno.test(`readCellMask() reads Suite2p stat.npy (pickle protocol ${proto}) with iscell and ops`, async () => {
    await inTemp(async (dir) => {
      await Deno.writeFile(`${dir}/stat.npy`, fileBytes(`stat-protocol${proto}.npy`));
      await Deno.writeFile(`${dir}/iscell.npy`, fileBytes("iscell.npy"));
      await Deno.writeFile(`${dir}/ops.npy`, fileBytes("ops.npy"));
      const m = await readCellMask(`${dir}/stat.npy`);
      assertEquals(m.format, "suite2p");
      assertEquals([m.height, m.width, m.cells], [s2p.H, s2p.W, s2p.cellsKept]);
      assertEquals(Array.from(m.labels), s2p.labelsKept);
      const all = await readCellMask(`${dir}/stat.npy`, undefined, { includeNonCells: true });
      assertEquals(all.cells, s2p.cellsAll);
      assertEquals(Array.from(all.labels), s2p.labelsAll);
    });
  });
}

Deno.test("readCellMask() on Suite2p without iscell.npy keeps every ROI; without ops.npy needs a shape", async () => {
  await inTemp(async (dir) => {
    const p = `${dir}/stat.npy`;
    await Deno.writeFile(p, fileBytes("stat-protocol3.npy"));
    const e = await rejects(
      () => readCellMask(p),
      "INVALID_ARGUMENT",
      p,
      "no ops.npy",
      "give shape",
    );
    assertEquals(e.argument, "shape");
    const m = await readCellMask(p, { height: s2p.H, width: s2p.W });
    assertEquals(m.cells, s2p.cellsAll);
    assertEquals(Array.from(m.labels), s2p.labelsAll);
    // A frame too small for ROI 2's pixels (y 7, 8, 9, 9; x 10, 10, 10, 11).
    await rejects(
      () => readCellMask(p, { height: s2p.H, width: 11 }),
      "BAD_FILE",
      p,
      "ROI 2",
      "(y 9, x 11)",
      "10×11 frame",
    );
  });
});

Deno.test("readCellMask() refuses a Suite2p shape that differs from ops.npy, and a mismatched iscell.npy", async () => {
  await inTemp(async (dir) => {
    const p = `${dir}/stat.npy`;
    await Deno.writeFile(p, fileBytes("stat-protocol3.npy"));
    await Deno.writeFile(`${dir}/ops.npy`, fileBytes("ops.npy"));
    await rejects(
      () => readCellMask(p, { height: 12, width: 10 }),
      "INVALID_ARGUMENT",
      "10×12",
      "12×10",
      "ops.npy",
    );
    await Deno.writeFile(`${dir}/iscell.npy`, encodeNpy(Float64Array.of(1, 1, 0, 0), [2, 2]));
    await rejects(() => readCellMask(p), "BAD_FILE", "iscell.npy", "(2, 2)", "4 ROIs");
    // An object array that is not stat: ops.npy itself.
    await rejects(() => readCellMask(`${dir}/ops.npy`), "BAD_FILE", "not Suite2p's stat");
  });
});

// --- NWB -------------------------------------------------------------------------------

type H5 = InstanceType<typeof h5wasm.File>;
type Group = InstanceType<typeof h5wasm.Group>;

/** Writes an NWB-like HDF5 file: `build` receives the file and a group factory. */
async function writeH5(path: string, build: (f: H5, groups: (p: string) => Group) => void) {
  await h5wasm.ready;
  const f = new h5wasm.File(path, "w");
  try {
    f.create_attribute("neurodata_type", "NWBFile");
    const groups = (p: string) => {
      let g: Group = f;
      for (const name of p.split("/").filter(Boolean)) {
        g = (g.keys().includes(name) ? g.get(name) : g.create_group(name)) as Group;
      }
      return g;
    };
    build(f, groups);
  } finally {
    f.close();
  }
}

const PS = "processing/ophys/ImageSegmentation/PlaneSegmentation";

function planeSegmentation(groups: (p: string) => Group, path = PS) {
  const g = groups(path);
  g.create_attribute("neurodata_type", "PlaneSegmentation");
  return g;
}

/** pixel_mask as NWB stores it: a compound of (x uint32, y uint32, weight float32). */
function pixelMask(g: Group, rows: [number, number, number][], ends: number[]) {
  g.create_dataset({
    name: "pixel_mask",
    data: new Map<string, unknown>([
      ["x", Uint32Array.from(rows, (r) => r[0])],
      ["y", Uint32Array.from(rows, (r) => r[1])],
      ["weight", Float32Array.from(rows, (r) => r[2])],
    ]),
    dtype: [["x", "<I"], ["y", "<I"], ["weight", "<f"]],
    shape: [rows.length],
  } as never);
  g.create_dataset({ name: "pixel_mask_index", data: Int32Array.from(ends) });
}

Deno.test("readCellMask() reads an NWB image_mask (K×H×W, > 0 = in the cell)", async () => {
  await inTemp(async (dir) => {
    const p = `${dir}/cells.nwb`;
    await writeH5(p, (_f, groups) => {
      const g = planeSegmentation(groups);
      const m = new Float32Array(2 * 3 * 4);
      m.set([0.2, 0.9, 0, 0, 0, 0.5], 0); // cell 0: (0,0), (0,1), (1,1)
      m.set([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, -1, 1], 12); // cell 1: (0,1) taken, (1,1) taken, (2,3)
      g.create_dataset({ name: "image_mask", data: m, shape: [2, 3, 4] });
    });
    const c = await readCellMask(p);
    assertEquals(c.format, "nwb");
    assertEquals([c.height, c.width, c.cells], [3, 4, 2]);
    assertEquals(Array.from(c.labels), [1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2]);
    await rejects(
      () => readCellMask(p, { height: 4, width: 3 }),
      "INVALID_ARGUMENT",
      "3×4",
      "4×3",
      "image_mask",
    );
  });
});

Deno.test("readCellMask() reads an NWB pixel_mask: x is the row, weight ≤ 0 left out, iscell filters", async () => {
  await inTemp(async (dir) => {
    const p = `${dir}/cells.nwb`;
    await writeH5(p, (_f, groups) => {
      const g = planeSegmentation(groups);
      pixelMask(g, [[0, 2, 1], [1, 2, 0.5], [2, 0, 1], [2, 1, 0], [1, 0, 1]], [2, 4, 5]);
      // Suite2p's NWB export: iscell as a K×2 column.
      g.create_dataset({
        name: "iscell",
        data: Float64Array.of(1, 0.9, 0, 0.1, 1, 0.8),
        shape: [3, 2],
      });
      // The imaging series gives the frame size.
      const s = groups("acquisition/TwoPhotonSeries");
      s.create_attribute("neurodata_type", "TwoPhotonSeries");
      s.create_dataset({ name: "data", data: new Int16Array(2 * 3 * 5), shape: [2, 3, 5] });
    });
    const c = await readCellMask(p);
    assertEquals([c.height, c.width, c.cells], [3, 5, 2]);
    // Cell 0 → 1 at (0,2), (1,2); cell 1 dropped (iscell 0); cell 2 → 2 at (1,0).
    assertEquals(Array.from(c.labels), [0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    const all = await readCellMask(p, undefined, { includeNonCells: true });
    // Cell 1: (2,0) with weight 1; (2,1) has weight 0 and is left out.
    assertEquals(all.cells, 3);
    assertEquals(Array.from(all.labels), [0, 0, 1, 0, 0, 3, 0, 1, 0, 0, 2, 0, 0, 0, 0]);
    await rejects(
      () => readCellMask(p, { height: 5, width: 3 }),
      "INVALID_ARGUMENT",
      "3×5",
      "5×3",
      "imaging series",
    );
  });
});

Deno.test("readCellMask() on an NWB pixel_mask without a series needs a shape, and checks the frame", async () => {
  await inTemp(async (dir) => {
    const p = `${dir}/cells.h5`;
    await writeH5(
      p,
      (_f, groups) => pixelMask(planeSegmentation(groups), [[0, 3, 1], [1, 3, 1]], [2]),
    );
    await rejects(
      () => readCellMask(p),
      "INVALID_ARGUMENT",
      "pixel_mask holds no frame size",
      "give shape",
    );
    const c = await readCellMask(p, { height: 2, width: 4 });
    assertEquals(Array.from(c.labels), [0, 0, 0, 1, 0, 0, 0, 1]);
    // Transposed: x = 0, 1 fit 4 rows but y = 3 is outside 2 columns... and would fit as a column.
    await rejects(
      () => readCellMask(p, { height: 4, width: 2 }),
      "BAD_FILE",
      p,
      "cell 0",
      "(x 0, y 3)",
      "4×2 frame",
      "x is read as the row",
    );
  });
});

Deno.test("readCellMask() finds a PlaneSegmentation by the dataset option, and refuses other groups", async () => {
  await inTemp(async (dir) => {
    const p = `${dir}/two.nwb`;
    await writeH5(p, (_f, groups) => {
      for (const name of ["PlaneA", "PlaneB"]) {
        const g = planeSegmentation(groups, `processing/ophys/ImageSegmentation/${name}`);
        const m = new Float64Array(4);
        m[name === "PlaneA" ? 0 : 3] = 1;
        g.create_dataset({ name: "image_mask", data: m, shape: [1, 2, 2] });
      }
      const f = groups("processing/ophys/Fluorescence");
      f.create_attribute("neurodata_type", "Fluorescence");
      groups("processing/ophys/ImageSegmentation").create_attribute(
        "neurodata_type",
        "ImageSegmentation",
      );
    });
    await rejects(
      () => readCellMask(p),
      "BAD_FILE",
      "several PlaneSegmentation",
      "PlaneA",
      "PlaneB",
      "dataset option",
    );
    const b = await readCellMask(p, undefined, {
      dataset: "/processing/ophys/ImageSegmentation/PlaneB",
    });
    assertEquals(Array.from(b.labels), [0, 0, 0, 1]);
    await rejects(
      () => readCellMask(p, undefined, { dataset: "/processing/ophys/Fluorescence" }),
      "BAD_FILE",
      "is a Fluorescence, not a PlaneSegmentation",
    );
    await rejects(
      () => readCellMask(p, undefined, { dataset: "/processing/ophys/ImageSegmentation" }),
      "BAD_FILE",
      "is an ImageSegmentation, not a PlaneSegmentation",
    );
    await rejects(
      () => readCellMask(p, undefined, { dataset: "/nope" }),
      "BAD_FILE",
      'no group "/nope"',
    );
    await rejects(
      () =>
        readCellMask(p, undefined, {
          dataset: "/processing/ophys/ImageSegmentation/PlaneA/image_mask",
        }),
      "BAD_FILE",
      "is a dataset",
    );
  });
});

Deno.test("readCellMask() refuses an NWB file without a PlaneSegmentation, or one without masks", async () => {
  await inTemp(async (dir) => {
    const p = `${dir}/movie.nwb`;
    await writeH5(p, (_f, groups) => {
      const s = groups("acquisition/TwoPhotonSeries");
      s.create_attribute("neurodata_type", "TwoPhotonSeries");
      s.create_dataset({ name: "data", data: new Int16Array(8), shape: [2, 2, 2] });
    });
    await rejects(() => readCellMask(p), "BAD_FILE", p, "no PlaneSegmentation");
    // The repository's movie fixture, an NWB file with a series and no segmentation.
    const tiny = new URL("../../../fixtures/movies/tiny_two_photon.nwb", import.meta.url).pathname;
    await rejects(() => readCellMask(tiny), "BAD_FILE", "no PlaneSegmentation");
    await writeH5(p, (_f, groups) => planeSegmentation(groups));
    await rejects(() => readCellMask(p), "BAD_FILE", "neither image_mask nor pixel_mask");
    await writeH5(p, (_f, groups) => {
      const g = planeSegmentation(groups);
      g.create_dataset({ name: "pixel_mask", data: Float32Array.of(0, 0, 1), shape: [1, 3] });
    });
    await rejects(
      () => readCellMask(p, { height: 2, width: 2 }),
      "BAD_FILE",
      "no pixel_mask_index",
    );
  });
});

Deno.test("readCellMask() reads an N×3 numeric pixel_mask and a relative path", async () => {
  await inTemp(async (dir) => {
    const p = `${dir}/n3.nwb`;
    await writeH5(p, (_f, groups) => {
      const g = planeSegmentation(groups);
      g.create_dataset({
        name: "pixel_mask",
        data: Float64Array.of(1, 0, 1, 0, 1, 1),
        shape: [2, 3],
      });
      g.create_dataset({ name: "pixel_mask_index", data: Int32Array.of(1, 2) });
    });
    const rel = relative(Deno.cwd(), p);
    assert(!rel.startsWith("/"), rel);
    const c = await readCellMask(rel, { height: 2, width: 2 });
    assertEquals([c.cells, ...c.labels], [2, 0, 2, 1, 0]);
  });
});

// --- any format ------------------------------------------------------------------------

Deno.test("readCellMask() refuses a missing file, a folder, a non-mask file and a bad shape argument", async () => {
  await inTemp(async (dir) => {
    const e = await rejects(
      () => readCellMask(`${dir}/none.json`, { height: 2, width: 2 }),
      "IO",
      `${dir}/none.json`,
    );
    assertEquals(e.file, `${dir}/none.json`);
    await rejects(() => readCellMask(dir), "BAD_FILE", "is a directory");
    await Deno.writeFile(`${dir}/x.bin`, Uint8Array.of(0xff, 0xfe, 0, 1, 2));
    await rejects(
      () => readCellMask(`${dir}/x.bin`, { height: 2, width: 2 }),
      "BAD_FILE",
      "not a cell-mask file",
    );
    // The HDF5 signature on a file that is not HDF5.
    const sig = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3);
    await Deno.writeFile(`${dir}/broken.nwb`, sig);
    await rejects(
      () => readCellMask(`${dir}/broken.nwb`),
      "BAD_FILE",
      `${dir}/broken.nwb`,
      "could not open",
    );
    await Deno.writeFile(`${dir}/empty.json`, new Uint8Array(0));
    await rejects(
      () => readCellMask(`${dir}/empty.json`, { height: 2, width: 2 }),
      "BAD_FILE",
      "not neurofinder JSON",
    );
    await Deno.writeTextFile(`${dir}/r.json`, "[]");
    for (const bad of [{ height: 0, width: 2 }, { height: 2, width: 1.5 }]) {
      const s = await rejects(
        () => readCellMask(`${dir}/r.json`, bad),
        "INVALID_ARGUMENT",
        "shape.",
      );
      assertEquals(s.argument, "shape");
    }
  });
});

// --- maskToProcessed ---------------------------------------------------------------------

const mask = (H: number, W: number, labels: number[]): CellMask => ({
  height: H,
  width: W,
  cells: Math.max(0, ...labels),
  labels: Int32Array.from(labels),
  format: "npy",
  path: "m.npy",
});

Deno.test("maskToProcessed() downsamples by majority; a half-covered block is no cell", () => {
  // 4×6 → 2×3 blocks of 2×2.
  const m = mask(4, 6, [
    1,
    1,
    1,
    0,
    2,
    2,
    1,
    0,
    0,
    0,
    2,
    0,
    0,
    0,
    3,
    3,
    0,
    0,
    0,
    0,
    3,
    1,
    0,
    0,
  ]);
  const d = maskToProcessed(m, { downsample: 2 });
  assertEquals([d.height, d.width, d.cells], [2, 3, 3]);
  // Block (0,0): 3 of 4 cell 1 → 1. (0,1): one pixel → none. (0,2): 3 of 4 cell 2 → 2.
  // (1,1): three of cell 3, one of cell 1 → 3.
  assertEquals(Array.from(d.labels), [1, 0, 2, 0, 3, 0]);
  // Exactly half (2 of 4) is not a majority.
  assertEquals(Array.from(maskToProcessed(mask(2, 2, [1, 1, 0, 0]), { downsample: 2 }).labels), [
    0,
  ]);
  // Two cells with 2 each: none.
  assertEquals(Array.from(maskToProcessed(mask(2, 2, [1, 1, 2, 2]), { downsample: 2 }).labels), [
    0,
  ]);
});

Deno.test("maskToProcessed() crops first, then drops edges that do not fill a block", () => {
  const m = mask(5, 5, [
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    1,
    2,
    2,
    0,
    1,
    1,
    2,
    2,
    0,
    0,
    0,
    3,
    3,
    0,
    0,
    0,
    3,
    3,
  ]);
  const c = maskToProcessed(m, { crop: { top: 1, left: 1, height: 4, width: 4 } });
  assertEquals([c.height, c.width], [4, 4]);
  assertEquals(Array.from(c.labels), [1, 1, 2, 2, 1, 1, 2, 2, 0, 0, 3, 3, 0, 0, 3, 3]);
  const d = maskToProcessed(m, { crop: { top: 1, left: 1, height: 4, width: 4 }, downsample: 2 });
  assertEquals(Array.from(d.labels), [1, 2, 0, 3]);
  // 5×5 by 2 without a crop: the last row and column are dropped, and every block
  // straddles cells, so none has a majority.
  const e = maskToProcessed(m, { downsample: 2 });
  assertEquals([e.height, e.width, ...e.labels], [2, 2, 0, 0, 0, 0]);
  const f = maskToProcessed(mask(3, 3, [4, 4, 4, 4, 4, 4, 4, 4, 4]), { downsample: 2 });
  assertEquals([f.height, f.width, ...f.labels], [1, 1, 4]);
  // No steps: the same labels.
  assertEquals(Array.from(maskToProcessed(m, {}).labels), Array.from(m.labels));
  assertEquals(maskToProcessed(m, {}).path, "m.npy");
});

Deno.test("maskToProcessed() refuses a crop or downsample that does not fit", () => {
  const m = mask(4, 4, new Array(16).fill(0));
  assertThrows(
    () => maskToProcessed(m, { crop: { top: 2, left: 0, height: 3, width: 4 } }),
    SparsedynError,
    { code: "INVALID_ARGUMENT", argument: "crop" },
  );
  assertThrows(() => maskToProcessed(m, { downsample: 5 }), SparsedynError, {
    argument: "downsample",
  });
  assertThrows(() => maskToProcessed(m, { downsample: 0 }), SparsedynError, {
    argument: "downsample",
  });
});
