/**
 * The layer check behind `architecture_test.ts`: the rules (parsed from the parts table of
 * `docs/architecture.md`, so the document and the check cannot drift apart) and the walk of a
 * `deno info --json` module graph that reports every import the rules do not allow.
 *
 * @example
 * ```ts
 * import { layerViolations, parseLayerRules } from "./_layer_rules.ts";
 *
 * const rules = parseLayerRules([
 *   "| `low`  | `low/`  | x |        |",
 *   "| `high` | `high/` | y | `low`  |",
 * ].join("\n"));
 * const graph = {
 *   modules: [{
 *     specifier: "file:///r/low/a.ts",
 *     dependencies: [{ code: { specifier: "file:///r/high/b.ts", span: { start: { line: 4 } } } }],
 *   }],
 * };
 * const v = layerViolations(graph, rules, "file:///r/");
 * if (v.length !== 1 || v[0].line !== 5) throw new Error("low may not import high");
 * ```
 *
 * @module
 */

/** One part of the stack: where its files are and what it may import. */
export interface LayerPart {
  /** The part's name (`data`, `runs`, …). */
  name: string;
  /** Folder prefixes (ending in `/`) or files, relative to the repository root. */
  where: string[];
  /** Parts it may import, and single files of other parts (entries with a `/`). */
  mayImport: string[];
}

/** The parsed table. */
export interface LayerRules {
  /** The parts, in the table's order. */
  parts: LayerPart[];
}

/** An import the rules do not allow, or a file no part claims. */
export interface LayerViolation {
  /** The importing file, relative to the root. */
  from: string;
  /** 1-based line of the import in `from` (0 when unknown). */
  line: number;
  /** The imported file, relative to the root. */
  to: string;
  /** The parts concerned: "data → runs", or "unassigned" for a file no part claims. */
  parts: string;
}

/** The minimal shape of `deno info --json` that the check reads. */
export interface ModuleGraph {
  /** The modules. */
  modules: {
    specifier: string;
    dependencies?: {
      code?: { specifier?: string; span?: { start: { line: number } } };
      type?: { specifier?: string; span?: { start: { line: number } } };
    }[];
  }[];
}

const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/**
 * The rules from the parts table: every row whose first cell is a backticked name.
 *
 * @param markdown The document's text (or just the table's rows).
 * @returns The parts.
 */
export function parseLayerRules(markdown: string): LayerRules {
  const parts: LayerPart[] = [];
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) continue;
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length < 4 || !/^`[a-z]+`$/.test(cells[0])) continue;
    parts.push({ name: ticked(cells[0])[0], where: ticked(cells[1]), mayImport: ticked(cells[3]) });
  }
  return { parts };
}

/**
 * The part a file belongs to: the part with the longest matching `where` entry.
 *
 * @param file Path relative to the root.
 * @param rules The rules.
 * @returns The part's name, or undefined when no part claims the file.
 */
export function partOf(file: string, rules: LayerRules): string | undefined {
  let best: string | undefined, bestLength = -1;
  for (const p of rules.parts) {
    for (const w of p.where) {
      const hit = w.endsWith("/") ? file.startsWith(w) : file === w;
      if (hit && w.length > bestLength) best = p.name, bestLength = w.length;
    }
  }
  return best;
}

/**
 * Parts that can reach themselves through the allowed directions (empty when the rules form
 * a DAG, as they must: two parts allowed to import each other are one part).
 *
 * @param rules The rules.
 * @returns The names of parts on a cycle.
 */
export function ruleCycles(rules: LayerRules): string[] {
  const next = new Map(
    rules.parts.map((p) => [p.name, p.mayImport.filter((m) => !m.includes("/"))]),
  );
  const onCycle: string[] = [];
  for (const start of next.keys()) {
    const seen = new Set<string>(), stack = [...next.get(start)!];
    while (stack.length) {
      const p = stack.pop()!;
      if (p === start) {
        onCycle.push(start);
        break;
      }
      if (seen.has(p)) continue;
      seen.add(p);
      stack.push(...(next.get(p) ?? []));
    }
  }
  return onCycle;
}

/**
 * Every import in `graph` between files under `root` that the rules do not allow, and every
 * such file no part claims.
 *
 * @param graph `deno info --json` output (or several merged).
 * @param rules The rules.
 * @param root The repository root as a `file://` URL ending in `/`.
 * @returns The violations, sorted by file and line, each once.
 */
export function layerViolations(
  graph: ModuleGraph,
  rules: LayerRules,
  root: string,
): LayerViolation[] {
  const allowed = new Map(rules.parts.map((p) => [p.name, new Set(p.mayImport)]));
  const found = new Map<string, LayerViolation>();
  const add = (v: LayerViolation) => found.set(`${v.from}:${v.line}:${v.to}`, v);
  for (const m of graph.modules) {
    if (!m.specifier.startsWith(root)) continue;
    const from = m.specifier.slice(root.length);
    const a = partOf(from, rules);
    if (a === undefined) {
      add({ from, line: 0, to: "", parts: "unassigned" });
      continue;
    }
    for (const dep of m.dependencies ?? []) {
      for (const end of [dep.code, dep.type]) {
        if (!end?.specifier?.startsWith(root)) continue;
        const to = end.specifier.slice(root.length);
        const b = partOf(to, rules);
        if (b === a) continue;
        const line = (end.span?.start.line ?? -1) + 1;
        if (b === undefined) add({ from, line, to, parts: "unassigned" });
        else if (!allowed.get(a)!.has(b) && !allowed.get(a)!.has(to)) {
          add({ from, line, to, parts: `${a} → ${b}` });
        }
      }
    }
  }
  return [...found.values()].sort((x, y) =>
    x.from < y.from ? -1 : x.from > y.from ? 1 : x.line - y.line
  );
}

/**
 * One line per violation, as the test prints them.
 *
 * @param v The violation.
 * @returns "from:line imports to (a → b, not allowed)".
 */
export function describeViolation(v: LayerViolation): string {
  return v.parts === "unassigned"
    ? `${v.to || v.from} belongs to no part of docs/architecture.md` +
      (v.to ? ` (imported by ${v.from}:${v.line})` : "")
    : `${v.from}:${v.line} imports ${v.to} (${v.parts} is not an allowed direction)`;
}
