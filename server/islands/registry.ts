/**
 * The islands by name: the server renders `<div data-island=NAME data-props=JSON>` around
 * each, and the browser bundle hydrates them from this table.
 *
 * @example
 * ```ts
 * import { ISLANDS } from "./registry.ts";
 *
 * if (!("Dynamics" in ISLANDS)) throw new Error("registered");
 * ```
 *
 * @module
 */
import type { FunctionComponent } from "preact";
import { Dynamics } from "./Dynamics.tsx";
import { FrameViewer } from "./FrameViewer.tsx";
import { LatentTraces } from "./LatentTraces.tsx";
import { MapsViewer } from "./MapsViewer.tsx";
import { TrainingCurves } from "./TrainingCurves.tsx";

/** Every island. */
export const ISLANDS = {
  Dynamics,
  FrameViewer,
  LatentTraces,
  MapsViewer,
  TrainingCurves,
} as const;

/** An island's name. */
export type IslandName = keyof typeof ISLANDS;

/** The islands as plain components (for the hydration loop). */
export const ISLAND_COMPONENTS: Record<string, FunctionComponent<never>> = ISLANDS;
