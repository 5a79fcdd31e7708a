/** @jsxImportSource preact */
/**
 * The studies (`/studies`) and a study's page (`/study?name=ID`): the summary table over
 * animals (p, BH q across animals, effect sizes, recordings left out), each animal's
 * trained run linked to its run page, and the failed tasks with the file named and a link
 * to the log. A study still running, or whose summary cannot be read, says so.
 *
 * @example
 * ```ts
 * import { renderToString } from "preact-render-to-string";
 * import { h } from "preact";
 * import { StudyTable } from "./study.tsx";
 *
 * const html = renderToString(h(StudyTable, {
 *   id: "s",
 *   summary: { comparisons: [{ a: "x", b: "y", alpha: 0.05 }], animals: [{ animal: "m1", a: "x", b: "y", p: 0.01, q: 0.02, differs: true }], failed: [], tasks: { total: 9, done: 9, failed: 0 } },
 * }));
 * if (!html.includes("m1") || !html.includes("0.0200")) throw new Error(html);
 * ```
 *
 * @module
 */
import { renderToString } from "preact-render-to-string";
import { ErrorPanel } from "../components/ErrorPanel.tsx";
import { Layout } from "../components/Layout.tsx";
import { type AppContext, html } from "../context.ts";
import { resolveUnderRoot } from "../safe_path.ts";
import { message } from "../run_index.ts";
import { findStudies } from "../study_index.ts";
import type { StudySummary } from "../../core/study/study_summary.ts";

const num = (v: number | null | undefined, digits = 4) =>
  v === undefined || v === null
    ? "—"
    : Math.abs(v) < 1e-3 && v !== 0
    ? v.toExponential(2)
    : v.toFixed(digits);

/** The link to a file of the study `id` (`rel` relative to its folder). */
function studyFileLink(id: string, rel: string): string {
  return `/files/${id.split("/").map(encodeURIComponent).join("/")}/${rel}`;
}

/** How far the study got and how to read its columns (q, effect z, between / within). */
function StudyNote({ summary }: { summary: StudySummary }) {
  return (
    <p class="note">
      {summary.tasks.done} of {summary.tasks.total} tasks done
      {summary.tasks.failed ? `, ${summary.tasks.failed} failed` : ""}; q: Benjamini–Hochberg across
      the animals of a comparison, differs at q ≤ α
      {summary.comparisons.length
        ? ` (${summary.comparisons.map((c) => `${c.b} vs ${c.a}: ${c.alpha}`).join("; ")})`
        : ""}; effect z: the statistic's distance from its null in null standard deviations; between
      / within: coefficient distances (1: no difference)
    </p>
  );
}

type AnimalResult = StudySummary["animals"][number];

/** One animal's row: its test, linked to its trained run when there is one. */
function AnimalRow({ id, r }: { id: string; r: AnimalResult }) {
  return (
    <tr>
      <td>
        {r.run
          ? <a href={`/run?name=${encodeURIComponent(`${id}/${r.run}`)}`}>{r.animal}</a>
          : r.animal}
      </td>
      <td>
        {r.a} vs {r.b}
      </td>
      <td>{r.recordingsA === undefined ? "—" : `${r.recordingsA} + ${r.recordingsB}`}</td>
      <td>{num(r.p)}</td>
      <td>{num(r.q)}</td>
      <td>{r.error ? "—" : r.differs ? "yes" : "no"}</td>
      <td>{num(r.effectZ, 2)}</td>
      <td>{num(r.betweenWithin, 3)}</td>
      <td class={r.error ? "error-text" : undefined}>
        {r.error ? `not tested: ${r.error}` : ""}
        {r.excluded?.length ? `left out: ${r.excluded.join(", ")}` : ""}
      </td>
    </tr>
  );
}

/** The summary over animals, one row each. */
function AnimalsTable({ id, summary }: { id: string; summary: StudySummary }) {
  return (
    <table class="grid study">
      <thead>
        <tr>
          <th>animal</th>
          <th>a vs b</th>
          <th>recordings</th>
          <th>p</th>
          <th>q</th>
          <th>differs</th>
          <th>effect z</th>
          <th>between / within</th>
          <th>notes</th>
        </tr>
      </thead>
      <tbody>
        {summary.animals.map((r) => <AnimalRow key={r.animal} id={id} r={r} />)}
      </tbody>
    </table>
  );
}

/** The failed tasks, each with the file it failed on and a link to its log. */
function FailedTasks({ id, failed }: { id: string; failed: StudySummary["failed"] }) {
  return (
    <section>
      <h2>Failed tasks</h2>
      <table class="grid">
        <thead>
          <tr>
            <th>task</th>
            <th>file</th>
            <th>reason</th>
            <th>log</th>
          </tr>
        </thead>
        <tbody>
          {failed.map((f) => (
            <tr key={f.task}>
              <td>
                <code>{f.task}</code>
              </td>
              <td>{f.file ?? ""}</td>
              <td class="error-text">{f.error}</td>
              <td>
                <a href={studyFileLink(id, f.log)}>{f.log}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A study's summary as tables. */
export function StudyTable({ id, summary }: { id: string; summary: StudySummary }) {
  return (
    <div>
      <StudyNote summary={summary} />
      <AnimalsTable id={id} summary={summary} />
      {summary.failed.length > 0 && <FailedTasks id={id} failed={summary.failed} />}
      <p>
        <a href={studyFileLink(id, "summary.csv")}>summary.csv</a> ·{" "}
        <a href={studyFileLink(id, "summary.json")}>summary.json</a>
      </p>
    </div>
  );
}

/**
 * GET `/studies`.
 *
 * @param ctx The server's state.
 */
export function studiesPage(ctx: AppContext): Response {
  const studies = findStudies(ctx.root);
  return html(renderToString(
    <Layout title="studies" hash={ctx.bundle.hash}>
      <h1>Studies</h1>
      <p class="note">
        {studies.length} stud{studies.length === 1 ? "y" : "ies"} under {ctx.root}{" "}
        (folders of sparsedyn study run)
      </p>
      <ul>
        {studies.map((s) => (
          <li key={s}>
            <a href={`/study?name=${encodeURIComponent(s)}`}>{s}</a>
          </li>
        ))}
      </ul>
    </Layout>,
  ));
}

/**
 * GET `/study?name=ID`.
 *
 * @param ctx The server's state.
 * @param url The request URL.
 */
export async function studyPage(ctx: AppContext, url: URL): Promise<Response> {
  const name = url.searchParams.get("name") ?? "";
  const enc = name.split("/").map(encodeURIComponent).join("/");
  const real = name ? await resolveUnderRoot(ctx.root, enc) : null;
  const isStudy = real !== null && real !== ctx.root &&
    await Deno.stat(`${real}/plan.json`).then(() => true, () => false);
  if (!isStudy) {
    return html(
      renderToString(
        <Layout title="not found" hash={ctx.bundle.hash}>
          <ErrorPanel title="Not found" message={`no study "${name}" under the root`} />
        </Layout>,
      ),
      404,
    );
  }
  const id = real!.slice(ctx.root.length + 1);
  let body;
  try {
    const summary = JSON.parse(await Deno.readTextFile(`${real}/summary.json`)) as StudySummary;
    body = <StudyTable id={id} summary={summary} />;
  } catch (err) {
    body = err instanceof Deno.errors.NotFound
      ? (
        <p>
          No summary yet: the study is running or stopped before its summary (its tasks are in
          tasks/).
        </p>
      )
      : <ErrorPanel title={`The summary of ${id} cannot be read`} message={message(err)} />;
  }
  return html(renderToString(
    <Layout title={id} hash={ctx.bundle.hash}>
      <h1>
        Study <code>{id}</code>
      </h1>
      {body}
    </Layout>,
  ));
}
