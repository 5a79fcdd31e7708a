// cli/_progress.ts in a child process (it writes to stderr): JSON lines with the ETA and the
// extra fields, one line per whole percent; the terminal bar with its fields and ETA; the
// ETA counted from the first report, so a resumed operation is not credited with the part
// done before it.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { duration, etaSeconds } from "../../cli/_progress.ts";

const PROGRESS = new URL("../../cli/_progress.ts", import.meta.url).href;

async function stderrOf(body: string): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, `import { progress } from "${PROGRESS}";\n${body}`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(new TextDecoder().decode(out.stdout), "", "nothing on stdout");
    return new TextDecoder().decode(out.stderr);
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("progress --json: one JSON line per whole percent, with the ETA and the extra fields", async () => {
  const err = await stderrOf(`
    const r = progress("train", true, false);
    for (let i = 0; i <= 400; i++) r(i, 400, { epoch: "1/2", loss: 0.5 });
  `);
  const lines = err.trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(lines.length, 101);
  assertEquals(lines[0], { progress: "train", done: 0, total: 400, epoch: "1/2", loss: 0.5 });
  assert(lines.slice(1, -1).every((l) => typeof l.eta_s === "number"), "ETA while running");
  assertEquals(lines[100], { progress: "train", done: 400, total: 400, epoch: "1/2", loss: 0.5 });
});

Deno.test("progress on a terminal: a bar with its fields and the ETA, a newline at the end", async () => {
  const err = await stderrOf(`
    const r = progress("maps", false, true);
    r(0, 4);
    const t = performance.now(); while (performance.now() - t < 30) { /* a unit's work */ }
    r(1, 4, { loss: 0.25 });
    r(4, 4);
  `);
  const frames = err.split("\r").filter((f) => f);
  assertEquals(frames.length, 3);
  assert(frames[1].startsWith("maps ") && frames[1].includes("25% (1/4) loss 0.2500"), frames[1]);
  assert(/ETA \d+s/.test(frames[1]), frames[1]);
  assert(frames[2].includes("100% (4/4)") && frames[2].endsWith("\n"), frames[2]);
  // Neither a terminal nor --json: silence.
  assertEquals(await stderrOf(`progress("x", false, false)(1, 2);`), "");
});

Deno.test("ETA: from the mean time per unit since the first report", () => {
  // A resume that starts at 600 of 1000: 100 more units in 10 s leave 300 units, 30 s.
  assertEquals(etaSeconds(0, 100, 400, 10_000), 30);
  assertEquals(etaSeconds(0, 0, 400, 10_000), undefined);
  assertEquals(etaSeconds(0, 400, 400, 10_000), undefined);
  assertEquals([duration(7), duration(65), duration(7380)], ["7s", "1m05s", "2h03m"]);
});
