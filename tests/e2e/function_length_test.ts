// A function does one thing and fits on a screen: no function, method, arrow function or
// component written here (TypeScript in core/, cli/, server/, wasm/ and mod.ts; C in
// wasm/src/) is longer than MAX_LINES. Long ones had grown to hold several purposes at once
// (`trainCae` held validation, resume, shuffling, the schedule, two step paths, early
// stopping and checkpoints in 285 lines); a reader could no longer see what each part did.
//
// The TypeScript side walks Deno's own parse of each file (`Deno.lint.runPlugin`), so a
// brace inside a string or a regular expression cannot fool it. A function's length is its
// span in lines, from the line it starts on to its closing brace, nested functions included.
// Tests are not scanned: a test is a list of steps and reads best in one piece.
import { assert, assertEquals } from "../_helpers/assert.ts";

/** The longest function allowed, in lines. */
export const MAX_LINES = 80;

const root = new URL("../../", import.meta.url).pathname;
const SCANNED = ["core/", "cli/", "server/", "wasm/", "mod.ts"];
// Not source written here (installed packages, build trees, the generated WASM module),
// or not library code (tests).
const SKIP_DIRS = new Set(["node_modules", ".git", ".build", "dist", "vendor", "tests"]);

/** One function: where it starts (1-based line), its name as a reader would look for it, and its span in lines. */
export interface FunctionSpan {
  line: number;
  name: string;
  lines: number;
}

// deno-lint-ignore no-explicit-any
type Node = any;

function nameOf(node: Node): string {
  const p = node.parent;
  return node.id?.name ?? p?.id?.name ?? p?.key?.name ?? p?.key?.value ??
    (p?.type === "CallExpression"
      ? `(argument of ${p.callee?.name ?? p.callee?.property?.name ?? "a call"})`
      : "(anonymous)");
}

/** Every function in a TypeScript source, with its span in lines. */
export function typescriptFunctions(file: string, text: string): FunctionSpan[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const found: FunctionSpan[] = [];
  const visit = (node: Node) => {
    const [a, b] = node.range as [number, number];
    found.push({ line: lineOf(a), name: nameOf(node), lines: lineOf(b) - lineOf(a) + 1 });
  };
  const plugin: Deno.lint.Plugin = {
    name: "function-length",
    rules: {
      span: {
        create: () => ({
          FunctionDeclaration: visit,
          FunctionExpression: visit,
          ArrowFunctionExpression: visit,
        }),
      },
    },
  };
  Deno.lint.runPlugin(plugin, file, text);
  return found;
}

/**
 * Every function definition in a C source written in our style: the signature starts at
 * column 0 and ends with `{`, and the body closes with `}` at column 0 (as in wasm/src/).
 */
export function cFunctions(text: string): FunctionSpan[] {
  const found: FunctionSpan[] = [];
  const lines = text.split("\n");
  let open: { line: number; name: string } | undefined;
  lines.forEach((l, i) => {
    const sig = /^[A-Za-z_][\w\s*]*?\b(\w+)\s*\([^;]*\)\s*\{\s*$/.exec(l);
    if (!open && sig) open = { line: i + 1, name: sig[1] };
    else if (open && /^\}/.test(l)) {
      found.push({ ...open, lines: i + 1 - open.line + 1 });
      open = undefined;
    }
  });
  return found;
}

async function* sources(path: string): AsyncGenerator<string> {
  const info = await Deno.stat(path);
  if (info.isFile) {
    yield path;
    return;
  }
  for await (const e of Deno.readDir(path)) {
    if (e.isDirectory && !SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) {
      yield* sources(`${path}${e.name}/`);
    } else if (e.isFile && /\.(tsx?|c)$/.test(e.name) && !e.name.includes(".generated.")) {
      yield `${path}${e.name}`;
    }
  }
}

Deno.test("the scan measures TypeScript functions of every form, and C functions", () => {
  const body = (n: number) => Array.from({ length: n - 2 }, (_, i) => `  const x${i} = "}";`);
  const ts = [
    "export function f() {", // 1: 4 lines
    ...body(4),
    "}",
    "const g = (a: number) => {", // 5: 3 lines
    ...body(3),
    "};",
    "class C {",
    "  m() {", // 9: 2 lines
    "  }",
    "}",
    "run(async () => 1);", // 12: 1 line
  ].join("\n");
  assertEquals(typescriptFunctions("a.ts", ts), [
    { line: 1, name: "f", lines: 4 },
    { line: 5, name: "g", lines: 3 },
    { line: 9, name: "m", lines: 2 },
    { line: 12, name: "(argument of run)", lines: 1 },
  ]);
  const c = [
    "static int run_one(sd_result *R, int m) {",
    "  if (m) {",
    "  }",
    "  return 0;",
    "}",
    "int sd_check(int m);",
    "void f(void) {",
    "}",
  ].join("\n");
  assertEquals(cFunctions(c), [
    { line: 1, name: "run_one", lines: 5 },
    { line: 7, name: "f", lines: 2 },
  ]);
});

Deno.test(`no function written here is longer than ${MAX_LINES} lines`, async () => {
  const long: string[] = [];
  let files = 0, functions = 0;
  for (const part of SCANNED) {
    for await (const path of sources(root + part)) {
      files++;
      const text = await Deno.readTextFile(path);
      const spans = path.endsWith(".c") ? cFunctions(text) : typescriptFunctions(path, text);
      functions += spans.length;
      for (const s of spans) {
        if (s.lines > MAX_LINES) {
          long.push(`${path.slice(root.length)}:${s.line} ${s.name}: ${s.lines} lines`);
        }
      }
    }
  }
  assert(files > 150 && functions > 1000, `only ${functions} functions in ${files} files`);
  assert(
    long.length === 0,
    `${long.length} functions are longer than ${MAX_LINES} lines (split each into steps of one purpose):\n${
      long.join("\n")
    }`,
  );
});
