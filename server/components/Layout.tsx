/** @jsxImportSource preact */
/**
 * The page shell: title, navigation, the stylesheets and the islands' module script (all
 * served by this server).
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { Layout } from "./Layout.tsx";
 *
 * const html = renderToString(h(Layout, { title: "runs", hash: "x" }, "body"));
 * if (!html.includes("/static/islands.js?v=x")) throw new Error(html);
 * ```
 *
 * @module
 */
import type { ComponentChildren } from "preact";

/** Props of {@link Layout}. */
export interface LayoutProps {
  /** Page title. */
  title: string;
  /** Bundle hash (cache busting). */
  hash: string;
  /** Page content. */
  children?: ComponentChildren;
}

/** The page shell. */
export function Layout({ title, hash, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · sparsedyn`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={`/static/islands.css?v=${hash}`} />
        <link rel="stylesheet" href={`/static/style.css?v=${hash}`} />
        <script type="module" src={`/static/islands.js?v=${hash}`} />
      </head>
      <body>
        <header>
          <a href="/" class="brand">sparsedyn</a>
          <nav>
            <a href="/">runs</a>
            <a href="/studies">studies</a>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
