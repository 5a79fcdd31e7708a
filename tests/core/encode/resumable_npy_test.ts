// ResumableNpy: what a resumed output keeps and drops, and what it refuses.
import { ResumableNpy } from "../../../core/encode/resumable_npy.ts";
import { decodeNpy } from "../../../core/data/npy.ts";
import { npyHeader } from "../../../core/data/npy_writer.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assertEquals, assertRejects } from "../../_helpers/assert.ts";

const rows = (from: number, n: number, d: number) =>
  Float32Array.from({ length: n * d }, (_, i) => from * d + i);

Deno.test("rows after the last record are dropped and written again; the result is whole", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/z.npy`;
  // Record every append for the first two; then rows that are written but never recorded.
  const a = await ResumableNpy.open(path, 10, 3, "k", 0);
  await a.append(rows(0, 2, 3), 2);
  await a.append(rows(2, 2, 3), 2);
  a.abandon();
  const b = await ResumableNpy.open(path, 10, 3, "k", 60_000);
  assertEquals(b.rowsDone, 4);
  await b.append(rows(4, 3, 3), 3); // on disk, not recorded (checkpoint far away)
  b.abandon();
  // Seven rows on disk, four recorded.
  const header = npyHeader("<f4", [10, 3]).length;
  assertEquals((await Deno.stat(ResumableNpy.partialPath(path))).size, header + 7 * 12);
  const c = await ResumableNpy.open(path, 10, 3, "k", 0);
  assertEquals(c.rowsDone, 4);
  await c.append(rows(4, 6, 3), 6);
  await c.finish();
  const z = decodeNpy(await Deno.readFile(path), path);
  assertEquals(z.shape, [10, 3]);
  assertEquals(Array.from(z.data), Array.from(rows(0, 10, 3)));
  assertEquals(await Deno.stat(ResumableNpy.statePath(path)).then(() => 1, () => 0), 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("another key, an existing target and too many rows are refused", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/z.npy`;
  const a = await ResumableNpy.open(path, 4, 2, "k1", 0);
  await a.append(rows(0, 1, 2), 1);
  a.abandon();
  await assertRejects(() => ResumableNpy.open(path, 4, 2, "k2"), SparsedynError, "other inputs");
  // The refused open left the partial output as it was.
  const b = await ResumableNpy.open(path, 4, 2, "k1");
  assertEquals(b.rowsDone, 1);
  await assertRejects(() => b.append(rows(1, 4, 2), 4), SparsedynError, "do not fit");
  await assertRejects(() => b.finish(), SparsedynError, "3 rows missing");
  await b.append(rows(1, 3, 2), 3);
  await b.finish();
  await assertRejects(() => ResumableNpy.open(path, 4, 2, "k1"), SparsedynError, "exists");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a sidecar whose partial file was removed starts afresh", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/z.npy`;
  const a = await ResumableNpy.open(path, 2, 1, "k", 0);
  await a.append(Float32Array.of(7), 1);
  a.abandon();
  await Deno.remove(ResumableNpy.partialPath(path));
  const b = await ResumableNpy.open(path, 2, 1, "k");
  assertEquals(b.rowsDone, 0);
  await b.append(Float32Array.of(1, 2), 2);
  await b.finish();
  assertEquals(Array.from(decodeNpy(await Deno.readFile(path), path).data), [1, 2]);
  await Deno.remove(dir, { recursive: true });
});
