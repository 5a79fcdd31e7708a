// decodeNpy() against files written by NumPy itself (bytes spelled out here), in every
// dtype and both memory orders it supports.
import { decodeNpy, encodeNpy } from "../../../core/data/npy.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assertEquals, assertThrows } from "../../_helpers/assert.ts";

function npy(
  descr: string,
  fortran: boolean,
  shape: number[],
  body: Uint8Array,
  version = 1,
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${
    fortran ? "True" : "False"
  }, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  header += " ".repeat((64 - ((pre + header.length + 1) % 64)) % 64) + "\n";
  const out = new Uint8Array(pre + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, header.length, true);
  else v.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  out.set(body, pre + header.length);
  return out;
}

Deno.test("decodeNpy() reads every supported dtype, C and Fortran order, versions 1-3", () => {
  const vals = [1, 2, 3, 4, 5, 6];
  const enc: Record<string, (v: DataView, i: number, x: number) => void> = {
    "|u1": (v, i, x) => v.setUint8(i, x),
    "<i2": (v, i, x) => v.setInt16(2 * i, -x, true),
    "<u2": (v, i, x) => v.setUint16(2 * i, x, true),
    "<f4": (v, i, x) => v.setFloat32(4 * i, x / 2, true),
    "<f8": (v, i, x) => v.setFloat64(8 * i, x / 4, true),
  };
  const size: Record<string, number> = { "|u1": 1, "<i2": 2, "<u2": 2, "<f4": 4, "<f8": 8 };
  const scale: Record<string, number> = { "|u1": 1, "<i2": -1, "<u2": 1, "<f4": 0.5, "<f8": 0.25 };
  for (const descr of Object.keys(enc)) {
    for (const version of [1, 2, 3]) {
      const body = new Uint8Array(6 * size[descr]);
      const view = new DataView(body.buffer);
      // C order: [[1,2,3],[4,5,6]]; Fortran order stores the columns: 1,4,2,5,3,6.
      vals.forEach((x, i) => enc[descr](view, i, x));
      const c = decodeNpy(npy(descr, false, [2, 3], body, version), "c.npy");
      assertEquals(Array.from(c.data), vals.map((x) => x * scale[descr]), `${descr} C v${version}`);
      const fbody = new Uint8Array(6 * size[descr]);
      const fview = new DataView(fbody.buffer);
      [1, 4, 2, 5, 3, 6].forEach((x, i) => enc[descr](fview, i, x));
      const f = decodeNpy(npy(descr, true, [2, 3], fbody, version), "f.npy");
      assertEquals(
        Array.from(f.data),
        vals.map((x) => x * scale[descr]),
        `${descr} Fortran v${version}`,
      );
      assertEquals(f.shape, [2, 3]);
    }
  }
});

Deno.test("decodeNpy() rejects broken files with the file name and the reason", () => {
  const good = encodeNpy(Float64Array.of(1, 2, 3), [3]);
  assertThrows(() => decodeNpy(good.slice(0, 5), "a.npy"), SparsedynError, {
    code: "BAD_FILE",
    file: "a.npy",
  }, "magic");
  assertThrows(() => decodeNpy(good.slice(0, good.length - 8), "b.npy"), SparsedynError, {
    code: "BAD_FILE",
  }, "needs 24");
  const bad = npy(">f8", false, [1], new Uint8Array(8));
  assertThrows(
    () => decodeNpy(bad, "c.npy"),
    SparsedynError,
    { code: "BAD_FILE" },
    "unsupported dtype '>f8'",
  );
  assertEquals(Array.from(decodeNpy(good, "d.npy").data), [1, 2, 3], "round trip");
});
