// The layers of docs/architecture.md hold: Deno's own module graph of the entry points
// (mod.ts and the other files deno.json exports, cli/main.ts, server/app.ts, and the workers and browser code they load by URL) has
// no import outside the table's directions, and the check fails on each of the imports that
// once tangled the parts (shown on synthetic graphs, since the tree no longer has them).
import { assert, assertEquals } from "../_helpers/assert.ts";
import {
  describeViolation,
  layerViolations,
  type ModuleGraph,
  parseLayerRules,
  partOf,
  ruleCycles,
} from "./_layer_rules.ts";

const rootUrl = new URL("../../", import.meta.url).href;
const root = new URL(rootUrl).pathname;
const rules = parseLayerRules(await Deno.readTextFile(`${root}docs/architecture.md`));
// mod.ts and its sub-paths: every file deno.json exports is walked, so a new entry point is
// checked as soon as it is published.
const entryPoints = Object.values(
  (JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as { exports: Record<string, string> })
    .exports,
).map((p) => p.replace(/^\.\//, ""));

async function moduleGraph(entry: string): Promise<ModuleGraph> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert(out.success, `deno info ${entry} failed: ${dec.decode(out.stderr)}`);
  return JSON.parse(dec.decode(out.stdout));
}

async function sourceFiles(dirs: string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(root + dir)) {
      if (e.isDirectory) await walk(`${dir}/${e.name}`);
      else if (/\.tsx?$/.test(e.name)) files.push(`${dir}/${e.name}`);
    }
  };
  for (const d of dirs) await walk(d);
  return files.sort();
}

/** A graph with one module per import, as deno info reports it (lines are 0-based there). */
function graphOf(imports: [from: string, to: string, line: number][]): ModuleGraph {
  return {
    modules: imports.map(([from, to, line]) => ({
      specifier: rootUrl + from,
      dependencies: [{ code: { specifier: rootUrl + to, span: { start: { line: line - 1 } } } }],
    })),
  };
}

Deno.test("architecture: the parts table is read, covers every part, and allows no cycle", async () => {
  const names = rules.parts.map((p) => p.name);
  for (
    const part of [
      "wasm",
      "base",
      "files",
      "var",
      "data",
      "model",
      "runs",
      "export",
      "encode",
      "maps",
      "train",
      "stats",
      "heldout",
      "study",
      "server",
      "cli",
      "mod",
    ]
  ) assert(names.includes(part), `docs/architecture.md has no row for ${part}`);
  for (const p of rules.parts) {
    for (const w of p.where) {
      assert(await Deno.stat(root + w).then(() => true, () => false), `${p.name}: ${w} is missing`);
    }
    for (const m of p.mayImport) {
      const known = m.includes("/")
        ? await Deno.stat(root + m).then((s) => s.isFile, () => false)
        : names.includes(m);
      assert(known, `${p.name} may import "${m}", which is neither a part nor a file`);
    }
  }
  for (const dir of Deno.readDirSync(`${root}core`)) {
    const file = dir.isDirectory ? `core/${dir.name}/x.ts` : `core/${dir.name}`;
    if (dir.name.endsWith(".ts") || dir.isDirectory) {
      assert(partOf(file, rules) !== undefined, `core/${dir.name} belongs to no part`);
    }
  }
  assertEquals(ruleCycles(rules), []);
});

Deno.test("architecture: no import from the exported entry points, cli/main.ts, server/app.ts or any worker crosses the layers", async () => {
  const modules = new Map<string, ModuleGraph["modules"][number]>();
  for (const entry of [...entryPoints, "cli/main.ts", "server/app.ts"]) {
    for (const m of (await moduleGraph(entry)).modules) modules.set(m.specifier, m);
  }
  const ours = [...modules.keys()].filter((s) => s.startsWith(rootUrl));
  // The walk reached the whole tree, not just the entry points.
  assert(ours.length > 200, `only ${ours.length} project modules in the graph`);
  // Workers and the dashboard's browser code are loaded by URL, not imported: walk from each
  // source file the entry points did not reach, so none escapes the check.
  for (const file of await sourceFiles(["core", "wasm", "cli", "server"])) {
    if (modules.has(rootUrl + file)) continue;
    for (const m of (await moduleGraph(file)).modules) modules.set(m.specifier, m);
  }
  const violations = layerViolations({ modules: [...modules.values()] }, rules, rootUrl);
  assert(
    violations.length === 0,
    `imports outside docs/architecture.md:\n${violations.map(describeViolation).join("\n")}`,
  );
});

Deno.test("architecture: the check fails on each import that tangled the parts before", () => {
  const tangled: [string, string, number][] = [
    // runs ↔ train: loading a run's model used training's encodeAll.
    ["core/runs/load_model.ts", "core/train/evaluate.ts", 35],
    // maps ↔ train: the maps took frameSource and encodeAll from training.
    ["core/maps/contribution.ts", "core/train/train.ts", 48],
    ["core/maps/window_features.ts", "core/train/evaluate.ts", 33],
    // data ↔ runs: data wrote files with runs' atomic writes and folders.
    ["core/data/preprocess_write.ts", "core/runs/atomic_write.ts", 27],
    ["core/data/_partial_file.ts", "core/runs/abort_cleanup.ts", 5],
    ["core/data/synthetic_write.ts", "core/runs/new_folder.ts", 22],
    // stats reached into runs' atomic writes.
    ["core/stats/test_json.ts", "core/runs/atomic_write.ts", 25],
    // The dashboard loaded the model itself.
    ["server/frames.ts", "core/model/backend.ts", 22],
    ["server/frames.ts", "core/model/tf.ts", 23],
    // The WASM core imported the error class from above it.
    ["wasm/mod.ts", "core/errors.ts", 22],
    // The dashboard may use the reconstruction service, not the rest of encoding.
    ["server/app.ts", "core/encode/engine.ts", 30],
  ];
  for (const [from, to, line] of tangled) {
    const v = layerViolations(graphOf([[from, to, line]]), rules, rootUrl);
    assertEquals(v.length, 1, `${from} → ${to} passed the check`);
    const text = describeViolation(v[0]);
    assert(text.startsWith(`${from}:${line} imports ${to}`), text);
  }
  // The directions the table allows pass, the narrow entry included.
  const fine = layerViolations(
    graphOf([
      ["server/app.ts", "core/encode/frame_store.ts", 30],
      ["core/train/train_run.ts", "core/encode/encode_all.ts", 42],
      ["core/data/preprocess_write.ts", "core/files/atomic_write.ts", 27],
      ["wasm/mod.ts", "wasm/sparsedyn_error.ts", 22],
    ]),
    rules,
    rootUrl,
  );
  assertEquals(fine.map(describeViolation), []);
  // A file in a folder no part claims is reported, not waved through.
  const stray = layerViolations(
    graphOf([["core/data/movie.ts", "core/newpart/x.ts", 3]]),
    rules,
    rootUrl,
  );
  assertEquals(stray.map((v) => v.parts), ["unassigned"]);
});

Deno.test("architecture: a table that lets two parts import each other is rejected", () => {
  const cyclic = parseLayerRules([
    "| `data` | `core/data/` | movies | `runs` |",
    "| `runs` | `core/runs/` | run folders | `data` |",
    "| `cli`  | `cli/`       | commands | `runs`, `data` |",
  ].join("\n"));
  assertEquals(ruleCycles(cyclic).sort(), ["data", "runs"]);
});
