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
  for (const c of ["demo", "inspect", "lasso", "preprocess", "synth", "train"]) {
    assert(r.stdout.includes(`  ${c} `), `help lists ${c}`);
    const h = await cli([c, "--help"]);
    assertEquals(h.code, 0, `${c} --help`);
    assert(h.stdout.startsWith(`Usage: sparsedyn ${c}`), h.stdout);
  }
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

Deno.test("sparsedyn demo recovers the support of a simulated sparse VAR", async () => {
  const r = await cli(["demo", "--json", "--series", "16", "--samples", "1500", "--seed", "3"]);
  assertEquals(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assertEquals(out.series, 16);
  assert(out.trueNonzero > 0 && out.breakpoints > 16, "a real fit ran");
  // Ground truth from the simulator: BIC along the lasso path finds every true edge of
  // this well-sampled VAR and keeps false positives to a minority.
  assert(out.recall >= 0.95, `recall ${out.recall}`);
  assert(out.precision >= 0.5, `precision ${out.precision}`);
  assertEquals(out.signAgreement, 1, "signs of the true positives");
  const text = await cli(["demo", "--series", "8", "--samples", "500"]);
  assertEquals(text.code, 0, text.stderr);
  assert(text.stdout.includes("precision") && text.stdout.includes("recall"), text.stdout);
  const bad = await cli(["demo", "--series", "0"]);
  assertEquals(bad.code, 2);
  assert(bad.stderr.includes("--series must be an integer ≥ 1"), bad.stderr);
});
