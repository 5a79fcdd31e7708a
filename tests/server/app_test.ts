// The dashboard over HTTP (no browser): confinement to the runs root, read-only, broken runs
// answered with error panels while the server keeps serving, the binary series, the live
// event stream.
import { decodeNpy } from "../../core/data/npy.ts";
import { startDashboard } from "../../server/app.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { writeBrokenRuns, writeTinyRun } from "./_fixtures.ts";

async function withServer(
  fn: (base: string, root: string, outside: string) => Promise<void>,
): Promise<void> {
  const tmp = await Deno.realPath(await Deno.makeTempDir({ prefix: "sparsedyn-app-" }));
  const root = `${tmp}/runs`, outside = `${tmp}/outside`;
  await Deno.mkdir(root);
  await Deno.mkdir(outside);
  await writeTinyRun(`${root}/good`);
  await writeTinyRun(`${root}/group/nested`);
  await writeBrokenRuns(root, outside);
  const server = await startDashboard({ root, port: 0 });
  try {
    await fn(server.url.replace(/\/$/, ""), root, outside);
  } finally {
    await server.shutdown();
    await Deno.remove(tmp, { recursive: true });
  }
}

/** GET with the path sent exactly as written (fetch would normalise `..`). */
async function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    await conn.write(
      new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    const text = new TextDecoder().decode(
      await new Response(conn.readable).arrayBuffer().then((b) => new Uint8Array(b)),
    );
    return { status: Number(text.split(" ")[1]), body: text };
  } catch (err) {
    conn.close();
    throw err;
  }
}

Deno.test("serve: files only from inside the runs root (.., %2e%2e, absolute, symlinks out)", async () => {
  await withServer(async (base, _root, outside) => {
    const ok = await fetch(`${base}/files/good/config.json`);
    assertEquals(ok.status, 200);
    assertEquals((await ok.json()).mode, "two-stage");
    const attempts = [
      "/files/../outside/secret.txt",
      "/files/good/../../outside/secret.txt",
      "/files/%2e%2e/outside/secret.txt",
      "/files/%2E%2E%2Foutside%2Fsecret.txt",
      "/files/good/%2e%2e/%2e%2e/outside/secret.txt",
      "/files/..%2f..%2fetc%2fpasswd",
      "/files/%252e%252e/outside/secret.txt",
      `/files/${outside}/secret.txt`,
      `/files/${encodeURIComponent(`${outside}/secret.txt`)}`,
      "/files//etc/passwd",
      "/files/escape/secret.txt",
      "/files/escape/secret-run/config.json",
      "/files/good%00/config.json",
      "/files/good\\..\\..\\outside\\secret.txt",
      "/files/good",
    ];
    for (const path of attempts) {
      const r = await rawGet(base, path);
      assert(r.status === 404 || r.status === 400, `${path}: status ${r.status}`);
      assert(!r.body.includes("not for the dashboard"), `${path} leaked the file`);
    }
    // Runs are named the same way: a symlinked run outside the root is not a run.
    for (const name of ["../outside/secret-run", "escape/secret-run", outside, "%2e%2e"]) {
      const page = await fetch(`${base}/run?name=${encodeURIComponent(name)}`);
      assertEquals(page.status, 404, name);
      await page.body?.cancel();
      const series = await fetch(`${base}/api/run/series?name=${encodeURIComponent(name)}`);
      assertEquals(series.status, 404, name);
      await series.body?.cancel();
    }
  });
});

Deno.test("serve: read-only (POST/PUT/DELETE refused), unknown paths 404", async () => {
  await withServer(async (base, root) => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const r = await fetch(`${base}/files/good/config.json`, { method, body: "x" });
      assertEquals(r.status, 405, method);
      await r.body?.cancel();
    }
    assertEquals(JSON.parse(await Deno.readTextFile(`${root}/good/config.json`)).mode, "two-stage");
    const r = await fetch(`${base}/nope`);
    assertEquals(r.status, 404);
    await r.body?.cancel();
    const head = await fetch(`${base}/files/good/var.json`, { method: "HEAD" });
    assertEquals(head.status, 200);
    assertEquals(await head.text(), "");
  });
});

Deno.test("serve: broken runs are listed as failed and show error panels; the server keeps serving", async () => {
  await withServer(async (base) => {
    const runs = await (await fetch(`${base}/api/runs`)).json() as {
      name: string;
      status: string;
      error?: string;
      damage?: string[];
    }[];
    const by = Object.fromEntries(runs.map((r) => [r.name, r]));
    assertEquals(
      Object.keys(by).sort(),
      ["bad-config", "bad-test", "bad-var", "good", "group/nested", "half-metrics", "truncated"],
    );
    assertEquals(by.good.status, "finished");
    // A finished run's metrics.jsonl cut mid-line is damage (a checkpoint's is a line being
    // written): flagged with the reason, the run still shown.
    assertEquals(by["half-metrics"].status, "damaged");
    assert(by["half-metrics"].damage?.[0].includes("metrics.jsonl was cut"), "says why");
    assertEquals(by["bad-test"].status, "finished"); // test.json is an optional part
    for (
      const [name, why] of [
        ["bad-config", "config.json is not valid JSON"],
        ["truncated", "latents.npy is truncated"],
        ["bad-var", "var.json: A must be"],
      ]
    ) {
      assertEquals(by[name].status, "failed", name);
      assert(by[name].error?.includes(why), `${name}: ${by[name].error}`);
    }
    const list = await (await fetch(`${base}/`)).text();
    assert(list.includes("latents.npy is truncated"), "the list says why");
    const pages: [string, string][] = [
      ["bad-config", "config.json is not valid JSON"],
      ["truncated", "not a readable NPY file"],
      ["bad-var", "var.json: A must be"],
      ["bad-test", "test.json is not valid JSON"],
    ];
    for (const [name, why] of pages) {
      const res = await fetch(`${base}/run?name=${name}`);
      assertEquals(res.status, 200, name);
      const html = await res.text();
      assert(
        html.includes("error-panel") && html.includes(why),
        `${name}: error panel with "${why}"`,
      );
    }
    const series = await fetch(`${base}/api/run/series?name=truncated`);
    assertEquals(series.status, 422);
    assert((await series.json()).error.includes("latents.npy"), "names the file");
    const frame = await fetch(`${base}/api/run/frame?name=bad-config&t=0`);
    assertEquals(frame.status, 422);
    await frame.body?.cancel();
    // Still serving.
    const good = await fetch(`${base}/run?name=good`);
    assertEquals(good.status, 200);
    assert((await good.text()).includes('data-island="Dynamics"'), "the good run renders");
  });
});

Deno.test("serve: series as float32 NPY: frames, latents and one-step VAR predictions", async () => {
  await withServer(async (base) => {
    const res = await fetch(`${base}/api/run/series?name=good&cols=1,0&points=100`);
    assertEquals(res.headers.get("x-frames"), "4");
    const a = decodeNpy(new Uint8Array(await res.arrayBuffer()), "series.npy");
    assertEquals(a.dtype, "<f4");
    assertEquals(a.shape, [5, 4]);
    const row = (k: number) => Array.from(a.data.subarray(4 * k, 4 * k + 4));
    assertEquals(row(0), [0, 1, 2, 3]);
    assertEquals(row(1), [0, 1, 0.5, 0.25]); // latent 1
    assertEquals(row(2), [1, 0.5, 0.25, 0.125]); // latent 0
    // ẑ1(t) = 0.1 z0(t−1) + 0.5 z1(t−1); ẑ0(t) = 0.5 z0(t−1).
    const p1 = row(3), p0 = row(4);
    assert(Number.isNaN(p1[0]) && Number.isNaN(p0[0]), "no prediction at t = 0");
    assertEquals(p0.slice(1), [0.5, 0.25, 0.125]);
    assertEquals(p1.slice(1).map((v) => Math.round(v * 1e6) / 1e6), [0.1, 0.55, 0.275]);
    const bad = await fetch(`${base}/api/run/series?name=good&cols=7`);
    assertEquals(bad.status, 400);
    await bad.body?.cancel();
  });
});

Deno.test("serve: the live stream sends epochs as the checkpoint's metrics.jsonl grows, then done", async () => {
  await withServer(async (base, root) => {
    const cp = `${root}/live.checkpoint`;
    await Deno.mkdir(cp);
    await Deno.writeTextFile(`${cp}/metrics.jsonl`, '{"epoch":0,"loss":1}\n');
    const list = await (await fetch(`${base}/api/runs`)).json() as {
      name: string;
      status: string;
    }[];
    assertEquals(list.find((r) => r.name === "live")?.status, "running");
    const res = await fetch(`${base}/api/run/live?name=live`);
    assertEquals(res.headers.get("content-type"), "text/event-stream");
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const until = async (s: string) => {
      while (!text.includes(s)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before "${s}": ${text}`);
        text += value;
      }
    };
    await until('"loss":1}');
    await Deno.writeTextFile(
      `${cp}/metrics.jsonl`,
      '{"epoch":0,"loss":1}\n{"epoch":1,"loss":0.5}\n',
    );
    await until('"loss":0.5}');
    // Training ends: the run folder appears, the checkpoint goes.
    await writeTinyRun(`${root}/live`);
    await Deno.remove(cp, { recursive: true });
    await until("event: done");
    await reader.cancel();
    assertEquals((text.match(/event: metrics/g) ?? []).length, 2);
    // A client that holds the first epoch gets only the later ones.
    const later = await (await fetch(`${base}/api/run/live?name=live&from=1`)).text();
    assert(!later.includes('"loss":1}') && later.includes('"loss":0.5}'), later);
  });
});

Deno.test("serve: a checkpoint whose training process has ended is 'stopped', its own process 'running'", async () => {
  await withServer(async (base, root) => {
    // A process that has ended: its pid has no /proc entry any more.
    const child = new Deno.Command("true").spawn();
    const deadPid = child.pid;
    await child.status;
    const host = Deno.hostname();
    for (const [name, pid] of [["ended", deadPid], ["alive", Deno.pid]] as const) {
      const cp = `${root}/${name}.checkpoint`;
      await Deno.mkdir(cp);
      await Deno.writeTextFile(`${cp}/metrics.jsonl`, '{"epoch":0,"loss":1}\n');
      await Deno.writeTextFile(`${cp}/owner.json`, JSON.stringify({ pid, host }));
    }
    // An owner on another machine cannot be checked: running.
    await Deno.mkdir(`${root}/elsewhere.checkpoint`);
    await Deno.writeTextFile(`${root}/elsewhere.checkpoint/metrics.jsonl`, '{"epoch":0}\n');
    await Deno.writeTextFile(
      `${root}/elsewhere.checkpoint/owner.json`,
      JSON.stringify({ pid: deadPid, host: `${host}-other` }),
    );
    const list = await (await fetch(`${base}/api/runs`)).json() as {
      name: string;
      status: string;
      error?: string;
    }[];
    const ended = list.find((r) => r.name === "ended");
    assertEquals(ended?.status, "stopped");
    assert(
      ended?.error?.includes(`pid ${deadPid}`) && ended.error.includes("--resume"),
      ended?.error,
    );
    assertEquals(list.find((r) => r.name === "alive")?.status, "running");
    assertEquals(list.find((r) => r.name === "elsewhere")?.status, "running");
    const page = await (await fetch(`${base}/run?name=ended`)).text();
    assert(page.includes("stopped"), "the run page says stopped");
  });
});
