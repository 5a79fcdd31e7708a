/**
 * Live training curves: a server-sent event stream of a run's metrics. While the run trains,
 * `<run>.checkpoint/metrics.jsonl` is rewritten after each epoch; the stream polls it and
 * sends each new epoch as a `metrics` event (JSON array of new records). When the run
 * folder appears complete, the stream sends its remaining records and a `done` event and
 * ends. A file that shrinks (training restarted) sends a `reset` event with all records.
 *
 * @example
 * ```ts
 * import { metricsEvents } from "./metrics_stream.ts";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/r`);
 * await Deno.writeTextFile(`${root}/r/metrics.jsonl`, '{"epoch":0,"loss":1}\n');
 * const text = await new Response(metricsEvents(root, "r", new AbortController().signal)).text();
 * if (!text.includes('"loss":1') || !text.includes("event: done")) throw new Error(text);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
import { CHECKPOINT, parseMetrics } from "./run_index.ts";

/**
 * The event stream of run `name` under `root`.
 *
 * @param root The runs root.
 * @param name The run's id (checked by the caller).
 * @param signal Ends the stream (the server shuts down); a client that goes away cancels it.
 * @param from Records the client already has (sent only after them).
 * @param intervalMs Poll interval (default 300 ms).
 * @returns The body of a `text/event-stream` response.
 */
export function metricsEvents(
  root: string,
  name: string,
  signal: AbortSignal,
  from = 0,
  intervalMs = 300,
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let sent = Math.max(0, Math.floor(from)), closed = false, lastBeat = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown) =>
        controller.enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      const close = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        try {
          controller.close();
        } catch { /* already closed by the client */ }
      };
      signal.addEventListener("abort", close);
      const tick = async () => {
        if (closed) return;
        try {
          const live = await Deno.readTextFile(`${root}/${name}${CHECKPOINT}/metrics.jsonl`)
            .catch(() => null);
          const complete = live === null
            ? await Deno.readTextFile(`${root}/${name}/metrics.jsonl`).catch(() => null)
            : null;
          const text = live ?? complete;
          if (text !== null && !closed) {
            const records = parseMetrics(text, "metrics.jsonl");
            if (records.length < sent) {
              send("reset", records);
              sent = records.length;
            } else if (records.length > sent) {
              send("metrics", records.slice(sent));
              sent = records.length;
            }
            if (complete !== null) {
              send("done", { epochs: sent });
              return close();
            }
          }
          if (Date.now() - lastBeat > 15_000) {
            controller.enqueue(enc.encode(": keep-alive\n\n"));
            lastBeat = Date.now();
          }
        } catch (err) {
          if (closed) return;
          send("problem", { message: err instanceof Error ? err.message : String(err) });
        }
        if (!closed) timer = setTimeout(tick, intervalMs);
      };
      tick();
    },
    cancel() {
      closed = true;
      clearTimeout(timer);
    },
  });
}
