// The multi-threaded wasm backend: it starts with the thread count asked for, gives the
// same bits as the single-threaded build (convolutions, their gradients, a matmul, Adam
// steps of the autoencoder AE and end to end), lets its process end by itself, and the
// thread count's option and environment variable are checked.
import {
  MAX_WASM_THREADS,
  useBackend,
  WASM_THREADS_ENV,
  wasmThreads,
} from "../../../core/model/backend.ts";
import { tfWasm } from "../../../core/model/tf.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";

interface Probe {
  threads: number;
  conv: number[];
  convGradInput: number[];
  convGradFilter: number[];
  matMul: number[];
  weights: number[];
  losses: number[];
}

/** Runs the probe in a process of its own with `threads` wasm threads. */
async function probe(threads: number): Promise<Probe> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("./_wasm_threads_probe.ts", import.meta.url).pathname],
    env: { [WASM_THREADS_ENV]: String(threads) },
    stdout: "piped",
    stderr: "piped",
    // A guard, not a timing: a pool that kept the process alive would hang the test.
    signal: AbortSignal.timeout(120_000),
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert(out.success, `the probe with ${threads} thread(s) failed or hung: ${err}`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

Deno.test("wasm with 2 and 3 threads starts that many and gives the single-threaded build's bits", async () => {
  const one = await probe(1);
  assertEquals(one.threads, 1);
  assert(one.losses.every(Number.isFinite), `finite losses: ${one.losses}`);
  for (const threads of [2, 3]) {
    const many = await probe(threads);
    assertEquals(many.threads, threads, "the pool has the threads asked for");
    for (const key of ["conv", "convGradInput", "convGradFilter", "matMul", "weights"] as const) {
      const a = one[key], b = many[key];
      assertEquals(a.length, b.length);
      const differ = a.findIndex((v, i) => v !== b[i]);
      assertEquals(differ, -1, `${key}: ${threads} threads equal 1 thread bit for bit`);
    }
    assertEquals(many.losses, one.losses, `${threads} threads: the same losses`);
  }
});

Deno.test("wasmThreads(): the option, then SPARSEDYN_WASM_THREADS, then the cores (at most 8)", () => {
  const saved = Deno.env.get(WASM_THREADS_ENV);
  try {
    Deno.env.delete(WASM_THREADS_ENV);
    assertEquals(wasmThreads(), {
      threads: Math.min(navigator.hardwareConcurrency, MAX_WASM_THREADS),
      explicit: false,
    });
    assertEquals(wasmThreads(3), { threads: 3, explicit: true });
    Deno.env.set(WASM_THREADS_ENV, " 4 ");
    assertEquals(wasmThreads(), { threads: 4, explicit: true });
    assertEquals(wasmThreads(2), { threads: 2, explicit: true }, "the option wins");
    for (const bad of ["0", "9", "1.5", "two"]) {
      Deno.env.set(WASM_THREADS_ENV, bad);
      const e = assertThrows(() => wasmThreads(), SparsedynError);
      assertEquals(e.argument, WASM_THREADS_ENV);
      assert(e.message.includes(JSON.stringify(bad)), e.message);
    }
    Deno.env.delete(WASM_THREADS_ENV);
    for (const bad of [0, 9, 2.5, NaN]) {
      const e = assertThrows(() => wasmThreads(bad), SparsedynError);
      assertEquals(e.argument, "wasmThreads");
    }
  } finally {
    if (saved === undefined) Deno.env.delete(WASM_THREADS_ENV);
    else Deno.env.set(WASM_THREADS_ENV, saved);
  }
});

Deno.test("useBackend('wasm'): the thread count is fixed once wasm has started in a process", async () => {
  await useBackend("wasm", { wasmThreads: 2 });
  assertEquals(tfWasm.getThreadsCount(), 2);
  await useBackend("cpu");
  await useBackend("wasm", { wasmThreads: 2 }); // the same count again: fine
  await useBackend("wasm"); // no explicit count: keeps the running one
  assertEquals(tfWasm.getThreadsCount(), 2);
  let caught: unknown;
  try {
    await useBackend("wasm", { wasmThreads: 1 });
  } catch (e) {
    caught = e;
  }
  assert(caught instanceof SparsedynError, `a different count is refused: ${caught}`);
  assertEquals(caught.argument, "wasmThreads");
  assert(/already runs 2 thread/.test(caught.message), caught.message);
});
