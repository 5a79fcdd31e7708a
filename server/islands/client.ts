/// <reference lib="dom" />
/**
 * The browser entry of the islands' bundle: hydrates every `[data-island]` element the
 * server rendered, with the props it serialised. Errors are reported in the element and on
 * the console rather than stopping the other islands.
 *
 * @module
 */
import { h, hydrate } from "preact";
import { ISLAND_COMPONENTS } from "./registry.ts";

for (const el of Array.from(document.querySelectorAll<HTMLElement>("[data-island]"))) {
  const C = ISLAND_COMPONENTS[el.dataset.island ?? ""];
  if (!C) continue;
  try {
    hydrate(h(C, JSON.parse(el.dataset.props ?? "{}") as never), el);
  } catch (err) {
    el.insertAdjacentHTML(
      "afterbegin",
      `<div class="error-panel">This panel failed to load.</div>`,
    );
    console.error(err);
  }
}
