/** @jsxImportSource preact */
/**
 * Server side of an island: renders the component into a `data-island` element that carries
 * its props as JSON, which the browser bundle hydrates.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { Island } from "./Island.tsx";
 *
 * const html = renderToString(h(Island, { name: "Dynamics", props: { A: [[[0]]] } }));
 * if (!html.includes('data-island="Dynamics"')) throw new Error(html);
 * ```
 *
 * @module
 */
import type { ComponentProps } from "preact";
import { type IslandName, ISLANDS } from "../islands/registry.ts";

/** Props of {@link Island}. */
export interface IslandProps<N extends IslandName> {
  /** Which island. */
  name: N;
  /** Its props (JSON-serialisable). */
  props: ComponentProps<typeof ISLANDS[N]>;
}

/** An island, rendered on the server and hydrated in the browser. */
export function Island<N extends IslandName>({ name, props }: IslandProps<N>) {
  // deno-lint-ignore no-explicit-any
  const C = ISLANDS[name] as any;
  return (
    <div class="island" data-island={name} data-props={JSON.stringify(props)}>
      <C {...props} />
    </div>
  );
}
