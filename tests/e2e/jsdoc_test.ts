// A declaration has one doc comment: two JSDoc blocks in a row (only blank space between)
// mean one of them is stale, and a reader of the docs sees only the second (that is how
// `VarLayerOutput.prediction` came to read "One-step latent prediction error"). The scan
// reads every TypeScript file of the repository and names each such place.
import { assert, assertEquals } from "../_helpers/assert.ts";

const root = new URL("../../", import.meta.url).pathname;
// Not source written here: installed packages, build trees, the generated WASM module.
const SKIP_DIRS = new Set(["node_modules", ".git", ".build", "vendor"]);

/**
 * Lines (1-based) of every JSDoc block that follows another with only blank space between.
 * A module's own doc (`@module`) may be followed by a declaration's: that is two subjects;
 * a pragma such as `/** @jsxImportSource preact *\/` is no doc at all.
 */
export function doubledJsdoc(text: string): number[] {
  const found: number[] = [];
  const block = /\/\*\*[\s\S]*?\*\//g;
  let prev: { end: number; module: boolean } | undefined;
  for (let m = block.exec(text); m; m = block.exec(text)) {
    if (/^\/\*\*\s*@jsx\w*\s[^\n]*\*\/$/.test(m[0])) continue; // a pragma
    if (prev && !prev.module && /^\s*$/.test(text.slice(prev.end, m.index))) {
      found.push(text.slice(0, m.index).split("\n").length);
    }
    prev = { end: m.index + m[0].length, module: m[0].includes("@module") };
  }
  return found;
}

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory && !SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) {
      yield* sources(`${dir}${e.name}/`);
    } else if (e.isFile && /\.tsx?$/.test(e.name) && !e.name.includes(".generated.")) {
      yield `${dir}${e.name}`;
    }
  }
}

Deno.test("the scan finds a doubled block and passes a module doc followed by one", () => {
  const doubled = [
    "export interface Out {",
    "  /** Predictions. */",
    "  /** One-step error. */",
    "  prediction: number;",
    "}",
  ].join("\n");
  assertEquals(doubledJsdoc(doubled), [3]);
  assertEquals(doubledJsdoc("/** a */\n\n/**\n * b\n */\nexport const x = 1;"), [3]);
  assertEquals(doubledJsdoc("/**\n * Mod.\n * @module\n */\n/** x. */\nexport const x = 1;"), []);
  assertEquals(doubledJsdoc("/** a */\nconst a = 1;\n/** b */\nconst b = 2;"), []);
  assertEquals(
    doubledJsdoc("/** @jsxImportSource preact */\n/** C. */\nexport function C() {}"),
    [],
  );
});

Deno.test("no declaration in the repository has two JSDoc blocks in a row", async () => {
  const places: string[] = [];
  let files = 0;
  for await (const path of sources(root)) {
    files++;
    for (const line of doubledJsdoc(await Deno.readTextFile(path))) {
      places.push(`${path.slice(root.length)}:${line}`);
    }
  }
  assert(files > 100, `only ${files} TypeScript files found under ${root}`);
  assert(places.length === 0, `two JSDoc blocks in a row at:\n${places.join("\n")}`);
});
