// The public API in a few entry points: deno.json exports mod.ts as "." and one file per group
// of concepts. Each sub-path is a view of mod.ts, never a second API: every name it exports,
// value or type, is the very declaration mod.ts exports under that name, so users can move
// between them freely. Together the sub-paths cover mod.ts, so nothing is reachable only from
// the flat list, and each entry point passes deno doc --lint (a module doc, every export
// documented).
import { assert, assertEquals } from "../_helpers/assert.ts";

const root = new URL("../../", import.meta.url).pathname;
const exportsMap = (JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as {
  exports: Record<string, string>;
}).exports;
const subPaths = Object.entries(exportsMap).filter(([k]) => k !== ".");

// Names only mod.ts exports: the version is the package's, not any one group's.
const MOD_ONLY = new Set(["VERSION"]);

interface DocSymbol {
  name: string;
  declarations: { location: { filename: string; line: number } }[];
}

/** Each exported name of a file with where it is declared, from deno doc --json. */
async function exportedNames(file: string): Promise<Map<string, string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", file],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, `deno doc --json ${file}: ${new TextDecoder().decode(out.stderr)}`);
  const doc = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    nodes: Record<string, { symbols: DocSymbol[] }>;
  };
  const names = new Map<string, string>();
  for (const node of Object.values(doc.nodes)) {
    for (const s of node.symbols) {
      const where = s.declarations.map((d) => `${d.location.filename}:${d.location.line}`).sort();
      names.set(s.name, where.join(","));
    }
  }
  return names;
}

async function run(args: string[]): Promise<{ ok: boolean; text: string }> {
  const out = await new Deno.Command(Deno.execPath(), { args, cwd: root }).output();
  const dec = new TextDecoder();
  return { ok: out.success, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

Deno.test("entry points: deno.json exports mod.ts and the sub-paths, each a file", async () => {
  assertEquals(exportsMap["."], "./mod.ts");
  assert(subPaths.length >= 5, `only ${subPaths.length} sub-paths in deno.json exports`);
  for (const [key, file] of subPaths) {
    assertEquals(`./${file.replace(/^\.\//, "").replace(/\.ts$/, "")}`, key, `${key} → ${file}`);
    assert((await Deno.stat(`${root}${file}`)).isFile, `${file} is missing`);
  }
});

Deno.test("entry points: each sub-path exports only mod.ts's own declarations, and together they cover it", async () => {
  const mod = await exportedNames("mod.ts");
  assert(mod.size > 300, `mod.ts exports only ${mod.size} names`);
  const covered = new Set<string>();
  for (const [key, file] of subPaths) {
    const names = await exportedNames(file);
    assert(names.size > 5, `${file} exports only ${names.size} names`);
    for (const [name, where] of names) {
      assert(mod.has(name), `${file} (${key}) exports ${name}, which mod.ts does not`);
      assertEquals(where, mod.get(name), `${file} exports a different ${name} from mod.ts`);
      covered.add(name);
    }
  }
  const missing = [...mod.keys()].filter((n) => !covered.has(n) && !MOD_ONLY.has(n));
  assertEquals(missing, [], `exported by mod.ts but by no sub-path: ${missing.join(", ")}`);
});

Deno.test("entry points: a value is the same object from mod.ts and from its sub-path", async () => {
  const mod = await import(`${root}mod.ts`) as Record<string, unknown>;
  for (const [, file] of subPaths) {
    const sub = await import(`${root}${file}`) as Record<string, unknown>;
    for (const [name, value] of Object.entries(sub)) {
      assert(mod[name] === value, `${file}'s ${name} is not mod.ts's ${name}`);
    }
  }
});

Deno.test("entry points: every entry point passes deno doc --lint", async () => {
  const files = Object.values(exportsMap).map((f) => f.replace(/^\.\//, ""));
  const r = await run(["doc", "--lint", ...files]);
  assert(r.ok, r.text);
  for (const f of files) {
    assert((await Deno.readTextFile(`${root}${f}`)).includes("@module"), `${f} has no module doc`);
  }
});
