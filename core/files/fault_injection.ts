/**
 * Fault injection for the write sequences that must survive a crash (checkpoints, run
 * folders, atomic files): every step of those sequences calls {@link faultPoint}, which does
 * nothing unless the environment variable `SPARSEDYN_FAULT` asks for a fault at the k-th
 * step of this process:
 *
 *     SPARSEDYN_FAULT=kill@K     the process kills itself (SIGKILL) before step K
 *     SPARSEDYN_FAULT=enospc@K   step K fails as a full disk does ("No space left on device")
 *     SPARSEDYN_FAULT=trace      every step is printed (stderr), numbered: how many there are
 *
 * The tests run a training once per K, so a kill or a full disk is tried before every write,
 * rename and removal, and then check that the run resumes to the same bytes or refuses to.
 * The steps are counted in the order the process reaches them, which is deterministic for
 * given arguments; the variable is read only when Deno may read it (no permission prompt).
 *
 * @example Without the variable, a fault point does nothing
 * ```ts
 * import { faultPoint } from "./fault_injection.ts";
 *
 * await faultPoint("example");
 * ```
 *
 * @module
 */

interface Plan {
  kind: "kill" | "enospc" | "trace";
  at: number;
}

let plan: Plan | null | undefined;
let count = 0;

function readPlan(): Plan | null {
  let spec: string | undefined;
  try {
    const granted = Deno.permissions.querySync({ name: "env", variable: "SPARSEDYN_FAULT" });
    if (granted.state !== "granted") return null;
    spec = Deno.env.get("SPARSEDYN_FAULT");
  } catch {
    return null;
  }
  if (spec === "trace") return { kind: "trace", at: 0 };
  const m = /^(kill|enospc)@(\d+)$/.exec(spec ?? "");
  return m ? { kind: m[1] as Plan["kind"], at: Number(m[2]) } : null;
}

/**
 * One step of a write sequence that a crash may interrupt.
 *
 * @param label What the step does (printed when the fault is injected there).
 * @throws {Error} A "No space left on device" error at the planned step of `enospc@K`.
 */
export function faultPoint(label: string): Promise<void> {
  if (plan === undefined) plan = readPlan();
  if (plan === null) return Promise.resolve();
  count++;
  if (plan.kind === "trace") console.error(`sparsedyn: fault point ${count}: ${label}`);
  if (count !== plan.at) return Promise.resolve();
  console.error(`sparsedyn: fault injection: ${plan.kind} at step ${count} (${label})`);
  if (plan.kind === "enospc") {
    return Promise.reject(new Error(`No space left on device (os error 28), at ${label}`));
  }
  try {
    Deno.kill(Deno.pid, "SIGKILL"); // as the kernel kills: no finally, no listener runs
  } catch {
    Deno.exit(137); // without --allow-run: the nearest to a kill
  }
  return new Promise(() => {}); // never resumes
}
