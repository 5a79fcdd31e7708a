/** @jsxImportSource preact */
/// <reference lib="dom" />
/**
 * Contribution maps over the mean image (the PNGs of the run's `maps/`), chosen per method,
 * kind (all latents, one latent's prediction or encoder map, an edge, a decoder footprint)
 * and latent or edge. Hovering reads the value under the cursor from the map's NPY.
 * `data-map` on the root names the file on screen.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { MapsViewer } from "./MapsViewer.tsx";
 *
 * const maps = [{ file: "all_ig.npy", png: "all_ig.png", kind: "all", method: "ig" }];
 * const html = renderToString(h(MapsViewer, { name: "r", maps, height: 8, width: 8 }));
 * if (!html.includes("all_ig.png")) throw new Error(html);
 * ```
 *
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { fetchNpy } from "./_npy.ts";

/** One map (an entry of maps.json). */
export interface MapItem {
  /** NPY file. */
  file: string;
  /** PNG file. */
  png: string;
  /** Kind. */
  kind: string;
  /** Method. */
  method?: string;
  /** Latent. */
  latent?: number;
  /** Edge. */
  edge?: { from: number; to: number; lag: number; weight: number };
}

/** Props of {@link MapsViewer}. */
export interface MapsViewerProps {
  /** Run id. */
  name: string;
  /** The maps. */
  maps: MapItem[];
  /** Frame height. */
  height: number;
  /** Frame width. */
  width: number;
}

function label(m: MapItem): string {
  if (m.edge) {
    return `${m.edge.from} → ${m.edge.to} lag ${m.edge.lag} (${m.edge.weight.toPrecision(3)})`;
  }
  return m.latent !== undefined ? `latent ${m.latent}` : "all latents";
}

/** The island. */
export function MapsViewer(props: MapsViewerProps) {
  const methods = [...new Set(props.maps.map((m) => m.method).filter((m) => m))] as string[];
  const method = useSignal(methods.includes("ig") ? "ig" : methods[0] ?? "");
  const kinds = [...new Set(props.maps.map((m) => m.kind))];
  const kind = useSignal(kinds.includes("all") ? "all" : kinds[0]);
  const pick = useSignal(0);
  const hover = useSignal("");
  const values = useSignal<Float32Array | null>(null);
  const choices = props.maps.filter((m) =>
    m.kind === kind.value && (m.kind === "footprint" || m.method === method.value)
  );
  const current = choices[Math.min(pick.value, choices.length - 1)];
  const base = `/files/${props.name.split("/").map(encodeURIComponent).join("/")}/maps/`;
  useEffect(() => {
    values.value = null;
    if (!current) return;
    let stale = false;
    fetchNpy(base + encodeURIComponent(current.file)).then((a) => {
      if (!stale) values.value = a.data;
    }).catch(() => {});
    return () => {
      stale = true;
    };
  }, [current?.file]);
  const scale = Math.max(1, Math.floor(320 / Math.max(props.height, props.width)));
  return (
    <div class="maps" data-map={current?.png ?? ""}>
      <div class="controls">
        {methods.length > 1
          ? (
            <select
              value={method.value}
              onChange={(e) => method.value = (e.target as HTMLSelectElement).value}
            >
              {methods.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          )
          : null}
        <select
          class="map-kind"
          value={kind.value}
          onChange={(e) => {
            kind.value = (e.target as HTMLSelectElement).value;
            pick.value = 0;
          }}
        >
          {kinds.map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
        <select
          class="map-pick"
          value={String(pick.value)}
          onChange={(e) => pick.value = Number((e.target as HTMLSelectElement).value)}
        >
          {choices.map((m, i) => <option key={m.file} value={String(i)}>{label(m)}</option>)}
        </select>
      </div>
      {current
        ? (
          <figure>
            <img
              class="pixelated"
              src={base + encodeURIComponent(current.png)}
              width={props.width * scale}
              height={props.height * scale}
              alt={`${current.kind} map ${label(current)}`}
              onMouseMove={(e) => {
                const r = (e.target as HTMLImageElement).getBoundingClientRect();
                const x = Math.floor(((e.clientX - r.left) / r.width) * props.width);
                const y = Math.floor(((e.clientY - r.top) / r.height) * props.height);
                const v = values.value?.[y * props.width + x];
                hover.value = v === undefined ? "" : `(${y}, ${x}): ${v.toPrecision(3)}`;
              }}
            />
            <figcaption>{current.kind} · {label(current)} {hover.value}</figcaption>
          </figure>
        )
        : <p class="note">no maps of this kind</p>}
    </div>
  );
}
