// The `sparsedyn` dispatcher: help, version, unknown commands, exit statuses.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { VERSION } from "../../core/version.ts";
import { cli } from "./_run.ts";

Deno.test("sparsedyn --version prints the version of deno.json", async () => {
  const cfg = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assertEquals(VERSION, cfg.version, "core/version.ts and deno.json agree");
  const r = await cli(["--version"]);
  assertEquals(r.code, 0);
  assertEquals(r.stdout.trim(), `sparsedyn ${VERSION}`);
});

Deno.test("sparsedyn --help lists every command, and each command has --help", async () => {
  const r = await cli(["--help"]);
  assertEquals(r.code, 0);
  for (const c of ["demo", "experiment", "inspect", "lasso", "preprocess", "synth", "train"]) {
    assert(r.stdout.includes(`  ${c} `), `help lists ${c}`);
    const h = await cli([c, "--help"]);
    assertEquals(h.code, 0, `${c} --help`);
    assert(h.stdout.startsWith(`Usage: sparsedyn ${c}`), h.stdout);
  }
});

Deno.test("a leading -- (as `deno task cli -- <command>` passes it) is not a command", async () => {
  const r = await cli(["--", "--version"]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout.trim(), `sparsedyn ${VERSION}`);
});

Deno.test("sparsedyn without a command, or with an unknown one, exits 2 with a message", async () => {
  const none = await cli([]);
  assertEquals(none.code, 2);
  assert(none.stderr.includes("Usage: sparsedyn <command>"), none.stderr);
  const bad = await cli(["frobnicate"]);
  assertEquals(bad.code, 2);
  assert(bad.stderr.includes('unknown command "frobnicate"'), bad.stderr);
  const flag = await cli(["demo", "--bogus"]);
  assertEquals(flag.code, 2);
  assert(flag.stderr.includes("--bogus"), flag.stderr);
  const json = await cli(["frobnicate", "--json"]);
  assertEquals(JSON.parse(json.stderr).error.code, "INVALID_ARGUMENT");
});

Deno.test("sparsedyn demo, part 1: the lasso path recovers the support of a simulated sparse VAR", async () => {
  const r = await cli([
    "demo",
    "--core-only",
    "--json",
    "--series",
    "16",
    "--samples",
    "1500",
    "--seed",
    "3",
  ]);
  assertEquals(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout).core;
  assertEquals(out.series, 16);
  assert(out.trueNonzero > 0 && out.breakpoints > 16, "a real fit ran");
  // Ground truth from the simulator: BIC along the lasso path finds every true edge of
  // this well-sampled VAR and keeps false positives to a minority.
  assert(out.recall >= 0.95, `recall ${out.recall}`);
  assert(out.precision >= 0.5, `precision ${out.precision}`);
  assertEquals(out.signAgreement, 1, "signs of the true positives");
  const text = await cli(["demo", "--core-only", "--series", "8", "--samples", "500"]);
  assertEquals(text.code, 0, text.stderr);
  assert(text.stdout.includes("precision") && text.stdout.includes("recall"), text.stdout);
  const bad = await cli(["demo", "--series", "0"]);
  assertEquals(bad.code, 2);
  assert(bad.stderr.includes("--series must be an integer ≥ 1"), bad.stderr);
});

Deno.test("sparsedyn demo, part 2: synthesise, train end to end, compare with the truth, keep the run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await cli([
      "demo",
      "--json",
      "--epochs",
      "1",
      "--out",
      `${dir}/demo`,
      "--series",
      "4",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout).method;
    assertEquals(m.run, `${dir}/demo/run`);
    for (const f of ["config.json", "latents.npy", "var.json"]) {
      assert((await Deno.stat(`${m.run}/${f}`)).isFile, `run folder holds ${f}`);
    }
    assert((await Deno.stat(`${m.recording}/truth.json`)).isFile, "the recording's truth");
    assertEquals(m.recovered.length, m.trueEdges.length, "as many recovered as true influences");
    assert(m.supportF1 >= 0 && m.supportF1 <= 1 && m.chanceF1 > 0, JSON.stringify(m));
    assert(Number.isFinite(m.latentSnrDb), `SNR ${m.latentSnrDb}`);
    // Part 3: the condition test (test.json) and the maps are in the run folder.
    const i = JSON.parse(r.stdout).interpretation;
    assertEquals(i.changed.length, 3);
    assert(i.latentTest.pValue > 0 && i.latentTest.pValue <= 1, JSON.stringify(i.latentTest));
    assert(i.calciumTest.pValue > 0 && i.calciumTest.pValue <= 1);
    assert(i.maps.auc >= 0 && i.maps.auc <= 1 && i.maps.localisation > 0, JSON.stringify(i.maps));
    const test = JSON.parse(await Deno.readTextFile(`${m.run}/test.json`));
    assertEquals(test.pValue, i.latentTest.pValue);
    assert((await Deno.stat(`${m.run}/maps/all_ig.png`)).isFile, "maps/all_ig.png");
    // The folder exists now: a second run must refuse it and leave it as it was.
    const again = await cli(["demo", "--epochs", "1", "--out", `${dir}/demo`]);
    assertEquals(again.code, 2);
    assert(again.stderr.includes("already exists"), again.stderr);
    assert((await Deno.stat(`${m.run}/var.json`)).isFile, "the earlier run is intact");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a negative number for a numeric flag says what the flag accepts, for every command", async () => {
  const movie = new URL("../../fixtures/movies/u16_lzw.tif", import.meta.url).pathname;
  for (
    const [args, want] of [
      [
        ["train", movie, "--out", "r", "--epochs", "-1"],
        '--epochs must be an integer ≥ 1 (a positive whole number); got "-1"',
      ],
      [
        ["inspect", movie, "--samples", "-3"],
        '--samples must be an integer ≥ 1 (a positive whole number); got "-3"',
      ],
      [
        ["inspect", movie, "--rate", "-30"],
        '--rate must be a number > 0 (a positive number); got "-30"',
      ],
      [["synth", "--out", "s", "--frames", "-1e3"], "--frames must be an integer"],
    ] as const
  ) {
    const r = await cli([...args]);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert(r.stderr.includes(want), `${args.join(" ")}: ${r.stderr}`);
    assert(!r.stderr.includes("ambiguous"), r.stderr);
  }
});

Deno.test("a mistyped flag or command gets a did-you-mean; a far-off one does not", async () => {
  const flag = await cli(["train", "x.tif", "--epoch", "3"]);
  assertEquals(flag.code, 2);
  assert(flag.stderr.includes("unknown option --epoch (did you mean --epochs?)"), flag.stderr);
  const swapped = await cli(["inspect", "x.tif", "--smaples", "3"]);
  assert(swapped.stderr.includes("(did you mean --samples?)"), swapped.stderr);
  const far = await cli(["inspect", "x.tif", "--frobnicate"]);
  assertEquals(far.code, 2);
  assert(
    far.stderr.includes("unknown option --frobnicate") && !far.stderr.includes("did you mean"),
  );
  const command = await cli(["inspct", "x.tif"]);
  assertEquals(command.code, 2);
  assert(
    command.stderr.includes('unknown command "inspct" (did you mean "inspect"?'),
    command.stderr,
  );
  const file = await cli(["day1.tif"]);
  assertEquals(file.code, 2);
  assert(
    file.stderr.includes('a command comes first, e.g. "sparsedyn inspect day1.tif"'),
    file.stderr,
  );
  const missing = await cli(["inspect", "x.tif", "--samples"]);
  assert(missing.stderr.includes("--samples needs a value"), missing.stderr);
});

Deno.test("--out in a folder that does not exist names the missing folder, before any work", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const movie = new URL("../../fixtures/movies/u16_lzw.tif", import.meta.url).pathname;
    const r = await cli(["train", movie, "--out", "runs/first", "--epochs", "1"], tmp);
    assertEquals(r.code, 1, r.stderr);
    assert(
      r.stderr.includes('the folder "runs" does not exist (create it first'),
      r.stderr,
    );
    assert(!r.stderr.includes("tmpdir"), r.stderr);
    assertEquals([...Deno.readDirSync(tmp)].length, 0, "nothing was written");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
