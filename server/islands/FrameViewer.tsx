/** @jsxImportSource preact */
/// <reference lib="dom" />
/**
 * Raw frames beside their reconstructions, with a time slider. The server computes the
 * reconstruction of the requested frame (`/api/run/frame`); both images share one grey
 * scale. `data-frame` on the root names the frame on screen.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { FrameViewer } from "./FrameViewer.tsx";
 *
 * const html = renderToString(h(FrameViewer, { name: "r", T: 100 }));
 * if (!html.includes('type="range"')) throw new Error(html);
 * ```
 *
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { fetchNpy } from "./_npy.ts";

/** Props of {@link FrameViewer}. */
export interface FrameViewerProps {
  /** Run id. */
  name: string;
  /** Frames in the run's series. */
  T: number;
}

function draw(
  canvas: HTMLCanvasElement,
  v: Float32Array,
  H: number,
  W: number,
  lo: number,
  hi: number,
) {
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext("2d")!;
  const img = ctx.createImageData(W, H);
  const s = hi > lo ? 255 / (hi - lo) : 0;
  for (let q = 0; q < H * W; q++) {
    const g = Math.max(0, Math.min(255, Math.round((v[q] - lo) * s)));
    img.data.set([g, g, g, 255], 4 * q);
  }
  ctx.putImageData(img, 0, 0);
}

/** The island. */
export function FrameViewer(props: FrameViewerProps) {
  const t = useSignal(0);
  const shown = useSignal(-1);
  const error = useSignal("");
  const raw = useRef<HTMLCanvasElement>(null);
  const rec = useRef<HTMLCanvasElement>(null);
  const wanted = useRef(0);
  const busy = useRef(false);
  const load = async () => {
    if (busy.current) return;
    busy.current = true;
    try {
      while (shown.peek() !== wanted.current) {
        const at = wanted.current;
        const a = await fetchNpy(`/api/run/frame?name=${encodeURIComponent(props.name)}&t=${at}`);
        const [, H, W] = a.shape;
        let lo = Infinity, hi = -Infinity;
        for (const v of a.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
        draw(raw.current!, a.data.subarray(0, H * W), H, W, lo, hi);
        draw(rec.current!, a.data.subarray(H * W), H, W, lo, hi);
        shown.value = at;
        error.value = "";
      }
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
      shown.value = -2;
    } finally {
      busy.current = false;
    }
  };
  useEffect(() => {
    load();
  }, []);
  return (
    <div class="frames" data-frame={shown.value}>
      <label>
        frame <b>{t.value}</b> of {props.T}
        <input
          type="range"
          min={0}
          max={Math.max(0, props.T - 1)}
          value={t.value}
          onInput={(e) => {
            t.value = Number((e.target as HTMLInputElement).value);
            wanted.current = t.value;
            load();
          }}
        />
      </label>
      {error.value
        ? <div class="error-panel">Reconstructions unavailable: {error.value}</div>
        : null}
      <div class="pair">
        <figure>
          <canvas ref={raw} class="pixelated" width={1} height={1} />
          <figcaption>raw (preprocessed)</figcaption>
        </figure>
        <figure>
          <canvas ref={rec} class="pixelated" width={1} height={1} />
          <figcaption>reconstruction</figcaption>
        </figure>
      </div>
    </div>
  );
}
