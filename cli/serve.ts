// `sparsedyn serve`: the dashboard over a folder of runs, in the browser.
import { startDashboard } from "../server/app.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";

const usage = `Usage: sparsedyn serve [runs-root] [--port P] [--host H]

Serves the dashboard over the run folders under runs-root (default: the current folder):
the runs list, each run (training curves, live while it trains; reconstructions; latent
traces with one-step VAR predictions; coefficients and network; contribution maps; the
condition test) and two runs side by side. Read-only; files outside runs-root are never
served. Stop with Ctrl-C.

Options:
  --port P     port (default 8787; 0 picks a free one)
  --host H     interface to listen on (default 127.0.0.1: this machine only; 0.0.0.0
               shows the runs to the network)
  --json       print {"url": ...} as JSON instead of a sentence
  -h, --help   show this help`;

export const serve: Command = {
  summary: "the dashboard: runs, training curves, dynamics, maps and tests in the browser",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      port: { type: "string" },
      host: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length > 1) {
      throw new UsageError(`expected at most one runs root; got ${positionals.join(" ")}`);
    }
    const port = numberFlag(values.port, "--port", { integer: true, min: 0 });
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
};
