// `sparsedyn study run` on the local pool: a synthetic study (2 animals × 2 sessions × 2
// conditions) with one broken recording, the summary checked against `sparsedyn test` run
// directly and against Benjamini–Hochberg by hand, then reruns that skip what is done.
import { assert, assertAlmostEquals, assertEquals } from "../_helpers/assert.ts";
import { cli } from "../cli/_run.ts";
import { writeSyntheticStudy } from "./_synthetic_study.ts";

/** BH q-values, written out: q_(i) = min over j ≥ i of p_(j) · n / j. */
function bhByHand(p: number[]): number[] {
  const order = p.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
  const q = new Array(p.length);
  let run = Infinity;
  for (let k = order.length - 1; k >= 0; k--) {
    run = Math.min(run, (order[k][0] * p.length) / (k + 1));
    q[order[k][1]] = Math.min(1, run);
  }
  return q;
}

async function markers(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      if (e.isDirectory) await walk(`${d}/${e.name}`);
      else {out.set(
          `${d}/${e.name}`.slice(dir.length + 7).replace(/\.json$/, ""),
          await Deno.readTextFile(`${d}/${e.name}`),
        );}
    }
  };
  await walk(`${dir}/tasks`);
  return out;
}

Deno.test("study run (local): a broken recording fails alone and is named; the summary is the tests' p-values with BH across animals; reruns do only what is missing", async () => {
  const root = await Deno.makeTempDir();
  try {
    const manifest = await writeSyntheticStudy(root);
    const broken = `${root}/m2_s1/movie_b.npy`;
    const good = await Deno.readFile(broken);
    await Deno.writeTextFile(broken, "this is not a movie\n");
    const out = `${root}/out`;
    const r = await cli(["study", "run", manifest, "--out", out, "--jobs", "2", "--json"]);
    assertEquals(r.code, 1, r.stderr);
    const res = JSON.parse(r.stdout);
    assertEquals(res.ran.length, 21);
    const s = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    // The broken file's own task failed, naming it; the fit of its latents could not run;
    // everything else finished.
    assertEquals(s.failed.map((f: { task: string }) => f.task), ["encode/m2_s1_b", "fit/m2_s1_b"]);
    assertEquals(s.failed[0].file, broken);
    assert(/NPY/.test(s.failed[0].error), s.failed[0].error);
    assertEquals(s.tasks, { total: 20, done: 18, failed: 2 });
    assert((await Deno.readTextFile(`${out}/logs/encode/m2_s1_b.log`)).includes(broken));
    // m2 was tested on what it has left, and says what it left out.
    const [m1, m2] = s.animals;
    assertEquals([m1.animal, m1.recordingsA, m1.recordingsB], ["m1", 2, 2]);
    assertEquals([m2.animal, m2.recordingsA, m2.recordingsB, m2.excluded], ["m2", 2, 1, [broken]]);
    // Each row is what `sparsedyn test` says when run directly on the study's latents.
    for (
      const [row, files] of [
        [m1, { a: ["m1_s1_a", "m1_s2_a"], b: ["m1_s1_b", "m1_s2_b"] }],
        [m2, { a: ["m2_s1_a", "m2_s2_a"], b: ["m2_s2_b"] }],
      ] as const
    ) {
      const lat = (id: string) => `${out}/encode/${id}.latents.npy`;
      const direct = await cli([
        "test",
        ...files.a.flatMap((f) => ["--a", lat(f)]),
        ...files.b.flatMap((f) => ["--b", lat(f)]),
        "--window",
        "30",
        "--json",
      ]);
      assertEquals(direct.code, 0, direct.stderr);
      const j = JSON.parse(direct.stdout);
      assertEquals(row.p, j.pValue);
      assertEquals(row.statistic, j.statistic);
      assertAlmostEquals(row.effectZ, (j.statistic - j.null.mean) / j.null.sd, 1e-12);
    }
    const q = bhByHand([m1.p, m2.p]);
    assertAlmostEquals(m1.q, q[0], 1e-12);
    assertAlmostEquals(m2.q, q[1], 1e-12);
    const csv = (await Deno.readTextFile(`${out}/summary.csv`)).trim().split("\n");
    assertEquals(csv.length, 3);
    const head = csv[0].split(",");
    assertEquals(Number(csv[2].split(",")[head.indexOf("q")]), m2.q);

    // A rerun keeps the failure (the file would fail again) and runs nothing.
    const before = await markers(out);
    const again = await cli(["study", "run", manifest, "--out", out, "--json"]);
    assertEquals(again.code, 1);
    assertEquals(JSON.parse(again.stdout).ran, []);
    assertEquals(await markers(out), before);

    // The file repaired: its inputs changed, so its tasks and those that read them run
    // again, and nothing else.
    await Deno.writeFile(broken, good);
    const fixed = await cli(["study", "run", manifest, "--out", out, "--jobs", "2", "--json"]);
    assertEquals(fixed.code, 0, fixed.stderr);
    assertEquals(JSON.parse(fixed.stdout).ran, [
      "encode/m2_s1_b",
      "fit/m2_s1_b",
      "test/m2/a_vs_b",
      "summary",
    ]);
    const after = await markers(out);
    for (const [id, text] of before) {
      if (!["encode/m2_s1_b", "fit/m2_s1_b", "test/m2/a_vs_b", "summary"].includes(id)) {
        assertEquals(after.get(id), text, `${id} was not redone`);
      }
    }
    const s2 = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    assertEquals(s2.failed, []);
    assertEquals(s2.animals[1].recordingsB, 2);
    assertEquals(s2.animals[0], m1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
