// Damage the dashboard flags in a finished run: a metrics.jsonl cut mid-line, and weight
// files that do not hold what weights/weights.json lists. Sizes are checked against the
// NPY layout computed here (header + 8 bytes per float64 of the listed shape).
import { cutMetricsLine, runDamage, weightDamage } from "../../server/run_damage.ts";
import { writeRun } from "../../core/runs/run_folder.ts";
import { encodeNpy } from "../../core/data/npy.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";

async function runWithWeights(dir: string): Promise<void> {
  await writeRun(dir, {
    config: { mode: "ae" },
    metrics: [{ epoch: 0, loss: 1 }, { epoch: 1, loss: 0.5 }],
    weights: {
      kernel: { data: new Float64Array(24).map((_, i) => i), shape: [2, 3, 4] },
      bias: { data: new Float64Array(4), shape: [4] },
    },
    latents: { data: new Float64Array(6), shape: [3, 2] },
    meanImage: { data: new Float64Array(4), shape: [2, 2] },
    var: { lags: 1, A: [[[0, 0], [0, 0]]], intercept: [0, 0], lambda: [0, 0] },
  });
}

Deno.test("cutMetricsLine: whole lines pass; a cut or non-object last line is named with its number", () => {
  assertEquals(cutMetricsLine('{"a":1}\n{"a":2}\n'), null);
  assertEquals(cutMetricsLine('{"a":1}\n{"a":2}\n\n'), null);
  assertEquals(cutMetricsLine(""), null);
  const cut = cutMetricsLine('{"a":1}\n{"a":');
  assert(cut !== null && cut.includes("was cut") && cut.includes("(2,"), String(cut));
  assert(cutMetricsLine('{"a":1}\n[1, 2]\n')!.includes("not a JSON object"), "an array line");
  // A whole object without its newline: the writer stopped before the end of the line.
  assert(cutMetricsLine('{"a":1}\n{"a":2}')!.includes("does not end with a newline"), "no \\n");
});

Deno.test("weightDamage: cut short, bytes appended, another shape, missing, not NPY — each named", async () => {
  const root = await Deno.makeTempDir({ prefix: "sparsedyn-damage-" });
  try {
    const dir = `${root}/r`;
    await runWithWeights(dir);
    assertEquals(await runDamage(dir), []);
    const index = JSON.parse(await Deno.readTextFile(`${dir}/weights/weights.json`));
    const kernel = `${dir}/weights/${index.kernel.file}`,
      bias = `${dir}/weights/${index.bias.file}`;
    const bytes = await Deno.readFile(kernel);
    const header = encodeNpy(new Float64Array(24), [2, 3, 4]).length - 24 * 8;
    assertEquals(bytes.length, header + 24 * 8); // the layout the check relies on

    await Deno.writeFile(kernel, bytes.subarray(0, bytes.length - 8));
    let d = await weightDamage(dir);
    assertEquals(d.length, 1);
    assert(
      d[0].includes(index.kernel.file) && d[0].includes("(kernel)") &&
        d[0].includes(`${bytes.length - 8} of ${bytes.length} bytes`),
      d[0],
    );

    const longer = new Uint8Array(bytes.length + 5);
    longer.set(bytes);
    await Deno.writeFile(kernel, longer);
    assert((await weightDamage(dir))[0].includes("5 bytes more"), "appended bytes");

    await Deno.writeFile(kernel, encodeNpy(new Float64Array(24), [4, 3, 2]));
    assert((await weightDamage(dir))[0].includes("has shape (4, 3, 2)"), "another shape");

    await Deno.writeFile(kernel, bytes);
    await Deno.writeTextFile(bias, "not an npy file at all");
    d = await weightDamage(dir);
    assertEquals(d.length, 1);
    assert(d[0].includes(index.bias.file) && d[0].includes("not an NPY file"), d[0]);

    await Deno.remove(bias);
    assert((await weightDamage(dir))[0].includes("is missing"), "missing");

    await Deno.writeTextFile(`${dir}/weights/weights.json`, "{ cut");
    assertEquals(await weightDamage(dir), ["weights/weights.json is not a JSON object"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
