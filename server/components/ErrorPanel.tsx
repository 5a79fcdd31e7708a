/** @jsxImportSource preact */
/**
 * An error panel: what could not be shown and why, in place of that part of the page.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { ErrorPanel } from "./ErrorPanel.tsx";
 *
 * const html = renderToString(h(ErrorPanel, { title: "Run r", message: "var.json is missing" }));
 * if (!html.includes("var.json is missing")) throw new Error(html);
 * ```
 *
 * @module
 */

/** Props of {@link ErrorPanel}. */
export interface ErrorPanelProps {
  /** What could not be shown. */
  title: string;
  /** Why. */
  message: string;
}

/** The panel. */
export function ErrorPanel({ title, message }: ErrorPanelProps) {
  return (
    <div class="error-panel" role="alert">
      <b>{title}</b>: {message}
    </div>
  );
}
