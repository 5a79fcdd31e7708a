// Small assertion helpers (the Deno standard library's @std/assert lives on JSR, which
// our machines cannot reach). Tolerances are always explicit.

/** Throws unless `cond` holds. */
export function assert(cond: unknown, msg = "Assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

/** Throws unless a and b are strictly equal. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${msg ? msg + ": " : ""}expected ${e}, got ${a}`);
}

/** |a − b| ≤ tol. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tol: number,
  msg?: string,
): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(
      `${msg ? msg + ": " : ""}expected ${expected}, got ${actual} (|diff| = ${
        Math.abs(actual - expected)
      } > ${tol})`,
    );
  }
}

/** Runs fn and checks it throws an error of class `cls` whose properties match `props`. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  cls: new (...args: never[]) => E,
  props: Partial<Record<keyof E, unknown>> = {},
  msgIncludes?: string,
): E {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof cls)) throw new Error(`expected ${cls.name}, got ${String(err)}`);
    for (const [k, v] of Object.entries(props)) {
      const got = (err as unknown as Record<string, unknown>)[k];
      if (got !== v) {
        throw new Error(`expected ${k} = ${String(v)}, got ${String(got)} (${err.message})`);
      }
    }
    if (msgIncludes && !err.message.includes(msgIncludes)) {
      throw new Error(`expected message to include "${msgIncludes}", got "${err.message}"`);
    }
    return err;
  }
  throw new Error(`expected ${cls.name} to be thrown`);
}

/** Awaits fn and checks it rejects with an error of class `cls` whose message includes `msgIncludes`. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  cls: new (...args: never[]) => E,
  msgIncludes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof cls)) throw new Error(`expected ${cls.name}, got ${String(err)}`);
    if (msgIncludes && !err.message.includes(msgIncludes)) {
      throw new Error(`expected message to include "${msgIncludes}", got "${err.message}"`);
    }
    return err;
  }
  throw new Error(`expected ${cls.name} to be thrown`);
}

/**
 * The largest |a[i] − b[i]|, after checking the lengths agree; NaN if any difference is NaN
 * (Math.max keeps a NaN), so that `diff < tol` fails on it.
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assertEquals(a.length, b.length, "lengths");
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
