/**
 * A small, safe reader of Python pickles (protocols 0–5): it builds plain values —
 * dicts, lists, tuples, strings, numbers, booleans, None, bytes — and turns every class
 * instance into an inert record (`{ $class, args, state }`) instead of running code. NumPy
 * scalars and dtypes are decoded, since Suite2p's `ops.npy` may hold `fs` as one.
 *
 * @example
 * ```ts
 * import { unpickle } from "./pickle.ts";
 *
 * // pickle.dumps({"Ly": 8, "fs": 15.5}, protocol=2)
 * const bytes = Uint8Array.from(atob("gAJ9cQAoWAIAAABMeXEBSwhYAgAAAGZzcQJHQC8AAAAAAAB1Lg=="), (c) => c.charCodeAt(0));
 * const v = unpickle(bytes, "ops.npy") as Record<string, unknown>;
 * if (v.Ly !== 8 || v.fs !== 15.5) throw new Error(JSON.stringify(v));
 * ```
 *
 * @module
 */
import { PickleMachine } from "./_pickle_machine.ts";
import { OPCODES, STOP } from "./_pickle_opcodes.ts";

/** A Python object that is not a plain value: its class, constructor arguments and state. */
export interface PickledObject {
  /** "module.name" of the class or function. */
  $class: string;
  /** Arguments it was called with (REDUCE / NEWOBJ). */
  args?: unknown[];
  /** State given by BUILD. */
  state?: unknown;
}

/**
 * Reads a pickle.
 *
 * @param bytes The pickle.
 * @param file For error messages.
 * @returns The value.
 * @throws {SparsedynError} `BAD_FILE` for a truncated or malformed pickle.
 */
export function unpickle(bytes: Uint8Array, file: string): unknown {
  const m = new PickleMachine(bytes, file);
  for (;;) {
    const op = m.u8();
    if (op === STOP) return m.pop();
    const run = OPCODES.get(op);
    if (!run) throw m.bad(`unknown opcode 0x${op.toString(16)} at byte ${m.pos - 1}`);
    run(m);
  }
}

/**
 * Finds, depth first, the first dict in an unpickled value that has all `keys`.
 *
 * @param value An unpickled value.
 * @param keys Keys the dict must have.
 * @param depth Current depth (the search stops at 20).
 * @returns The dict, or undefined.
 */
export function findDict(
  value: unknown,
  keys: string[],
  depth = 0,
): Record<string, unknown> | undefined {
  if (depth > 20 || value === null || typeof value !== "object" || value instanceof Uint8Array) {
    return undefined;
  }
  if (!Array.isArray(value) && !("$class" in value) && keys.every((k) => k in value)) {
    return value as Record<string, unknown>;
  }
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const c of children) {
    const d = findDict(c, keys, depth + 1);
    if (d) return d;
  }
  return undefined;
}
