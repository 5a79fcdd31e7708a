// study.json's checks, `study init` from a folder and a CSV, and the plan's tasks.
import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { checkManifest, readManifest } from "../../core/study/manifest.ts";
import { studyPlan } from "../../core/study/study_plan.ts";
import { SparsedynError } from "../../core/errors.ts";
import { cli } from "../cli/_run.ts";
import { lockOutput } from "../../core/files/output_lock.ts";

const rec = (animal: string, session: string, condition: string, path = "x.npy") => ({
  path,
  animal,
  session,
  condition,
});

function badManifest(json: unknown, match: RegExp) {
  const e = assertThrows(() => checkManifest(json, "/s/study.json"), SparsedynError);
  assertEquals(e.code, "BAD_FILE");
  assertEquals(e.file, "/s/study.json");
  assert(match.test(e.message), e.message);
}

Deno.test("manifest: each problem names the file and the key", () => {
  badManifest({}, /recordings must be a non-empty list/);
  badManifest({ recordings: [{ path: "a.npy", animal: "m" }] }, /recordings\[0\]\.session must be/);
  badManifest(
    { recordings: [rec("m", "1", "a"), rec("m", "1", "a")] },
    /recordings\[1\] has the same id "m_1_a" as recordings\[0\]/,
  );
  badManifest({ recordings: [rec("m", "1", "a")], trian: {} }, /trian is not a known key/);
  badManifest(
    { recordings: [rec("m", "1", "a")], train: { per: "cage" } },
    /train\.per must be "animal" or "study"/,
  );
  badManifest(
    { recordings: [rec("m", "1", "a")], train: { config: { epochs: 0 } } },
    /epochs/,
  );
  badManifest(
    { recordings: [rec("m", "1", "a"), rec("m", "1", "b")], analyses: { test: { a: "c" } } },
    /analyses\.test\.a must be one of the conditions \(a, b\); got "c"/,
  );
  badManifest(
    { recordings: [rec("m", "1", "a")], slurm: { train: { time: "soon" } } },
    /slurm\.train\.time must be a Slurm time/,
  );
  badManifest({ recordings: [rec("m", "1", "a", "x.tif[9:3]")] }, /recordings\[0\]\.path/);
});

Deno.test("manifest: defaults: a model per animal trained on its first recording, a vs b in order", () => {
  const m = checkManifest({
    recordings: [rec("m2", "1", "novel", "n.tif"), rec("m2", "1", "familiar", "/abs/f.tif[0:90]")],
    train: { config: { epochs: 3 }, groups: { m2: { seed: 7 } } },
  }, "/s/study.json");
  assertEquals(m.recordings.map((r) => r.path), ["/s/n.tif", "/abs/f.tif[0:90]"]);
  assertEquals(m.trainOn, { m2: "m2_1_novel" });
  assertEquals(m.trainConfig, { m2: { epochs: 3, seed: 7 } });
  assertEquals(m.tests.map((t) => [t.a, t.b]), [["novel", "familiar"]]);
  // Three conditions: each later one against the first.
  const three = checkManifest({
    recordings: [rec("m", "1", "a"), rec("m", "1", "b"), rec("m", "1", "c")],
  }, "/s/study.json");
  assertEquals(three.tests.map((t) => [t.a, t.b]), [["a", "b"], ["a", "c"]]);
  // One condition: nothing to compare.
  assertEquals(checkManifest({ recordings: [rec("m", "1", "a")] }, "/s/study.json").tests, []);
});

Deno.test("plan: a shared model feeds every encode; test per animal reads its a and b encodes", () => {
  const m = checkManifest({
    recordings: [
      rec("m1", "1", "a"),
      rec("m1", "1", "b"),
      rec("m2", "1", "a"),
      rec("m2", "1", "b"),
      rec("m2", "2", "c"),
    ],
    train: { per: "study" },
    analyses: { fit: false, test: { a: "a", b: "b" } },
  }, "/s/study.json");
  const plan = studyPlan(m, "/out");
  const byId = Object.fromEntries(plan.tasks.map((t) => [t.id, t]));
  assertEquals(plan.tasks.filter((t) => t.stage === "train").map((t) => t.id), ["train/study"]);
  assertEquals(byId["encode/m2_2_c"].deps, ["train/study"]);
  assertEquals(byId["test/m2/a_vs_b"].deps, ["encode/m2_1_a", "encode/m2_1_b"]);
  assertEquals(plan.tasks.some((t) => t.stage === "fit"), false);
  assertEquals(byId["summary"].deps, ["test/m1/a_vs_b", "test/m2/a_vs_b"]);
});

Deno.test("plan: several comparisons, a task per animal and comparison; a repeated one is refused", () => {
  const recs = [rec("m1", "1", "base"), rec("m1", "1", "drug A"), rec("m1", "2", "wash")];
  const m = checkManifest({
    recordings: recs,
    analyses: { test: [{ a: "base", b: "drug A", window: 50 }, { a: "base", b: "wash" }] },
  }, "/s/study.json");
  const tests = studyPlan(m, "/out").tasks.filter((t) => t.stage === "test");
  assertEquals(tests.map((t) => [t.id, t.comparison, t.deps.join(" ")]), [
    ["test/m1/base_vs_drug_A", 0, "encode/m1_1_base encode/m1_1_drug_A"],
    ["test/m1/base_vs_wash", 1, "encode/m1_1_base encode/m1_2_wash"],
  ]);
  badManifest(
    { recordings: recs, analyses: { test: [{ a: "base", b: "wash" }, { a: "base", b: "wash" }] } },
    /analyses\.test\[1\] repeats the comparison base vs wash/,
  );
});

Deno.test("manifest: a missing file is an IO error naming it", async () => {
  const e = await assertRejects(() => readManifest("/no/such/study.json"), SparsedynError);
  assertEquals(e.code, "IO");
  assertEquals(e.file, "/no/such/study.json");
});

Deno.test("manifest: a bare or root-level file name resolves paths without a doubled slash", () => {
  const body = { recordings: [rec("m1", "1", "a"), rec("m1", "2", "b", "movies/y.npy")] };
  assertEquals(checkManifest(body, "/study.json").recordings.map((r) => r.path), [
    "/x.npy",
    "/movies/y.npy",
  ]);
  assertEquals(
    checkManifest(body, "study.json").recordings.map((r) => r.path),
    [`${Deno.cwd()}/x.npy`, `${Deno.cwd()}/movies/y.npy`],
  );
});

/** `study init <dir>/movies --labels <dir>/<labels> --out <dir>/<out>`. */
const initFromFolder = (dir: string, labels = "labels.csv", out = "study.json") =>
  cli(["study", "init", `${dir}/movies`, "--labels", `${dir}/${labels}`, "--out", `${dir}/${out}`]);

Deno.test("study init: a bad FILE[a:b] in the CSV is a BAD_FILE naming the CSV and its line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/movies`);
    await Deno.writeTextFile(`${dir}/movies/d1.npy`, "");
    await Deno.writeTextFile(
      `${dir}/labels.csv`,
      "condition,file,animal,session\nfamiliar,d1.npy,m1,1\nnovel,d1.npy[5:2],m1,2\n",
    );
    const r = await initFromFolder(dir);
    assertEquals(r.code, 1, r.stderr);
    assert(r.stderr.includes(`${dir}/labels.csv, line 3:`), r.stderr);
    assert(r.stderr.includes("d1.npy[5:2]"), r.stderr);
    await assertRejects(() => Deno.stat(`${dir}/study.json`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("study init: a manifest from a folder and a CSV; a missing movie is named with its line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/movies`);
    for (const f of ["d1.npy", "d2.npy", "extra.tif"]) {
      await Deno.writeTextFile(`${dir}/movies/${f}`, "");
    }
    await Deno.writeTextFile(
      `${dir}/labels.csv`,
      'condition,file,animal,session\nfamiliar,d1.npy[0:100],m1,"day 1"\nnovel,d2.npy,m1,day2\n',
    );
    const r = await initFromFolder(dir);
    assertEquals(r.code, 0, r.stderr);
    assert(r.stdout.includes("not in the labels (left out): extra.tif"), r.stdout);
    const m = await readManifest(`${dir}/study.json`);
    assertEquals(m.recordings.map((x) => [x.path, x.session, x.condition]), [
      [`${dir}/movies/d1.npy[0:100]`, "day 1", "familiar"],
      [`${dir}/movies/d2.npy`, "day2", "novel"],
    ]);
    // Never replaced.
    const again = await initFromFolder(dir);
    assertEquals(again.code, 1);
    assert(again.stderr.includes("is never replaced"), again.stderr);

    // From the manifest's own folder: paths relative to it; --test and --config written in.
    await Deno.writeTextFile(`${dir}/train.json`, '{"epochs": 2, "downsample": 4}');
    const here = await cli(
      [
        "study",
        "init",
        "movies",
        "--labels",
        "labels.csv",
        "--out",
        "s3.json",
        "--test",
        "novel,familiar",
        "--config",
        "train.json",
      ],
      dir,
    );
    assertEquals(here.code, 0, here.stderr);
    const s3 = JSON.parse(await Deno.readTextFile(`${dir}/s3.json`));
    assertEquals(s3.recordings[0].path, "movies/d1.npy[0:100]");
    assertEquals(s3.analyses.test, { a: "novel", b: "familiar" });
    assertEquals(s3.train.config, { epochs: 2, downsample: 4 });
    const wrong = await cli(
      [
        "study",
        "init",
        "movies",
        "--labels",
        "labels.csv",
        "--out",
        "s4.json",
        "--test",
        "novel,sleep",
      ],
      dir,
    );
    assertEquals(wrong.code, 1);
    assert(
      wrong.stderr.includes(
        'analyses.test.b must be one of the conditions (familiar, novel); got "sleep"',
      ),
      wrong.stderr,
    );

    await Deno.writeTextFile(
      `${dir}/bad.csv`,
      "file,animal,session,condition\nd1.npy,m1,1,a\nd9.npy,m1,1,b\n",
    );
    const bad = await initFromFolder(dir, "bad.csv", "s2.json");
    assertEquals(bad.code, 1);
    assert(/bad\.csv, line 3: ".*d9\.npy" does not exist/.test(bad.stderr), bad.stderr);
    assert(
      !(await Deno.stat(`${dir}/s2.json`).then(() => true, () => false)),
      "no half-written manifest",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("study run: usage errors name the flag", async () => {
  const r = await cli(["study", "run", "s.json", "--out", "/tmp/x", "--executor", "pbs"]);
  assertEquals(r.code, 2);
  assert(r.stderr.includes('--executor must be local or slurm; got "pbs"'), r.stderr);
  const j = await cli([
    "study",
    "run",
    "s.json",
    "--out",
    "/tmp/x",
    "--executor",
    "slurm",
    "--jobs",
    "2",
  ]);
  assertEquals(j.code, 2);
  assert(j.stderr.includes("--jobs is for --executor local"), j.stderr);
});

Deno.test("study run: a study folder in use by another run is refused before any work", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/study.json`,
      JSON.stringify({ recordings: [rec("m", "1", "a", "x.npy")] }),
    );
    const lock = await lockOutput(`${dir}/out`);
    try {
      const r = await cli(["study", "run", `${dir}/study.json`, "--out", `${dir}/out`]);
      assertEquals(r.code, 1, r.stderr);
      assert(r.stderr.includes("in use"), r.stderr);
      assertEquals(await Deno.stat(`${dir}/out/plan.json`).then(() => true, () => false), false);
    } finally {
      await lock.release();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
