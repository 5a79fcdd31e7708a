// The declarative flag table: the parser, the checks, the help and did-you-mean all read it.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { defineCommand, readFlags, usageText } from "../../cli/_command.ts";
import { UsageError } from "../../cli/_flags.ts";

const table = {
  epochs: { type: "integer", min: 1, arg: "N", help: "passes over the data", default: 50 },
  rate: { type: "number", min: 0, exclusiveMin: true, arg: "R", help: "learning rate" },
  mode: { type: "string", arg: "M", choices: ["fast", "slow"], help: "how" },
  a: { type: "list", arg: "FILE", help: "a recording (repeat)", group: "Input" },
  json: { type: "boolean", help: "print JSON" },
} as const;

function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error("no usage error");
}

Deno.test("readFlags types, defaults and repeats come from the table", () => {
  const r = readFlags(["x", "--rate", "0.5", "--a", "p.npy", "--a", "q.npy", "--json"], table);
  assertEquals(r.flags.epochs, 50, "default");
  assertEquals(r.flags.rate, 0.5);
  assertEquals(r.flags.a, ["p.npy", "q.npy"]);
  assertEquals(r.flags.json, true);
  assertEquals(r.flags.mode, undefined);
  assertEquals(r.positionals, ["x"]);
  assertEquals(readFlags(["--epochs", "-1", "--help"], table).help, true, "--help wins");
});

Deno.test("range, type and choice errors name the flag and say what it accepts", () => {
  const e = usageError(() => readFlags(["--epochs", "-1"], table));
  assertEquals(e.message, `--epochs must be an integer ≥ 1 (a positive whole number); got "-1"`);
  assertEquals(e.argument, "--epochs");
  const r = usageError(() => readFlags(["--rate", "0"], table));
  assertEquals(r.message, `--rate must be a number > 0 (a positive number); got "0"`);
  const m = usageError(() => readFlags(["--mode", "medium"], table));
  assertEquals(m.message, `--mode must be fast or slow; got "medium"`);
  const u = usageError(() => readFlags(["--epoch", "3"], table));
  assertEquals(u.message, "unknown option --epoch (did you mean --epochs?)");
});

Deno.test("the help lists every flag of the table, in its section, with its default", () => {
  const def = {
    summary: "s",
    synopsis: "<x> [options]",
    description: "Does x.",
    flags: table,
    run: () => Promise.resolve(0),
  };
  const h = usageText("demo", def);
  assert(h.startsWith("Usage: sparsedyn demo <x> [options]\n\nDoes x.\n"), h);
  for (const name of Object.keys(table)) assert(h.includes(`--${name}`), `${name} in ${h}`);
  assert(/--epochs N +passes over the data \(default 50\)/.test(h), h);
  assert(/Input:\n {2}--a FILE +a recording \(repeat\)/.test(h), h);
  assert(h.includes("-h, --help"), h);
  assertEquals(defineCommand("demo", def).usage, h);
});

Deno.test("an integer list is checked item by item", () => {
  const t = { horizons: { type: "integers", min: 1, arg: "LIST", help: "h" } } as const;
  assertEquals(readFlags(["--horizons", "1, 2,5"], t).flags.horizons, [1, 2, 5]);
  const e = usageError(() => readFlags(["--horizons", "1,0"], t));
  assertEquals(e.message, `--horizons must be an integer ≥ 1 (a positive whole number); got "0"`);
});

Deno.test("no command's help shows a default twice (the table's default is added once, by the help)", async () => {
  const { COMMANDS } = await import("../../cli/_commands.ts");
  for (const [name, command] of Object.entries(COMMANDS)) {
    for (const line of command.usage.split("\n")) {
      assert(line.split("(default").length <= 2, `sparsedyn ${name} --help: ${line}`);
    }
  }
});
