// `sparsedyn serve`: the dashboard over a folder of runs, in the browser.
import { startDashboard } from "../server/app.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";

export const serve = defineCommand("serve", {
  summary: "the dashboard: runs, training curves, dynamics, maps and tests in the browser",
  synopsis: "[runs-root] [--port P] [--host H]",
  description:
    `Serves the dashboard over the run folders under runs-root (default: the current folder):
the runs list, each run (training curves, live while it trains; reconstructions; latent
traces with one-step VAR predictions; coefficients and network; contribution maps; the
condition test) and two runs side by side. Read-only; files outside runs-root are never
served. Stop with Ctrl-C.`,
  flags: {
    port: { type: "integer", min: 0, arg: "P", help: "port (default 8787; 0 picks a free one)" },
    host: {
      type: "string",
      arg: "H",
      help: `interface to listen on (default 127.0.0.1: this machine only; 0.0.0.0
shows the runs to the network)`,
    },
    json: { type: "boolean", help: `print {"url": ...} as JSON instead of a sentence` },
  },
  async run(values, positionals) {
    if (positionals.length > 1) {
      throw new UsageError(`expected at most one runs root; got ${positionals.join(" ")}`);
    }
    const port = values.port;
    if (port !== undefined && port > 65535) {
      throw new UsageError(`--port must be at most 65535; got ${port}`, "--port");
    }
    const host = values.host ?? "127.0.0.1";
    if (host.trim() === "") throw new UsageError("--host must not be empty", "--host");
    const server = await startDashboard({
      root: positionals[0] ?? ".",
      port: port ?? 8787,
      hostname: host,
    });
    console.log(
      values.json
        ? JSON.stringify({ url: server.url, root: server.root })
        : `sparsedyn dashboard: ${server.url} (runs under ${server.root}; Ctrl-C stops)`,
    );
    const stop = () => server.shutdown();
    try {
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
    } catch { /* signals unsupported here: the server runs until killed */ }
    await server.finished;
    try {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
    } catch { /* as above */ }
    return 0;
  },
});
