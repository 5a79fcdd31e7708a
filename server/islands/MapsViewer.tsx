/** @jsxImportSource preact */
/// <reference lib="dom" />
/**
 * Contribution maps over the mean image, chosen per method, kind (all latents, one latent's
 * prediction or encoder map, an edge, a decoder footprint) and latent or edge. Each map is
 * drawn from its NPY (the values `maps/` holds) over the run's mean image, as the PNG beside
 * it is, but large (about 480 px on the long side) and with a colour bar that has ticks and
 * names the quantity and its unit; the PNG stays the file to open or share. Hovering reads
 * the value under the cursor. `data-map` on the root names the map's PNG, `data-drawn` the
 * NPY drawn on the canvas.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { MapsViewer, mapUnit } from "./MapsViewer.tsx";
 *
 * const maps = [{ file: "all_ig.npy", png: "all_ig.png", kind: "all", method: "ig" }];
 * const html = renderToString(h(MapsViewer, { name: "r", maps, height: 8, width: 8 }));
 * if (!html.includes('data-map="all_ig.png"')) throw new Error(html);
 * if (!mapUnit(maps[0]).includes("latent")) throw new Error("a unit");
 * ```
 *
 * @module
 */
import { type Signal, useSignal } from "@preact/signals";
import type { RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { colormap } from "../../core/maps/colormap.ts";
import { ColorBar } from "./_colorbar.tsx";
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

/**
 * What a map's colour shows, with its unit (maps hold magnitudes; see core/maps).
 *
 * @param m The map.
 * @returns The colour bar's label.
 */
export function mapUnit(m: MapItem): string {
  if (m.kind === "footprint") return "|decoder footprint| (intensity per latent unit)";
  const what = m.kind === "encoder" ? "|latent attribution|" : "|prediction attribution|";
  return m.method === "saliency"
    ? `${what} (latent units per unit intensity)`
    : `${what} (latent units, integrated gradients)`;
}

/** The long side of a drawn map in CSS pixels. */
const LONG_SIDE = 480;

/**
 * Draws a map over the grey mean image as core/maps/png.ts draws its PNG: the grey of the
 * mean image between its 1st and 99th percentiles, covered by the map's colour with opacity
 * = the magnitude's place between the map's minimum and maximum.
 *
 * @returns The magnitudes' minimum and maximum (the colour bar's ends).
 */
function drawMap(
  canvas: HTMLCanvasElement,
  map: Float32Array,
  mean: Float32Array | null,
  H: number,
  W: number,
): [number, number] {
  const mag = Float32Array.from(map, (v) => (Number.isFinite(v) ? Math.abs(v) : 0));
  let min = Infinity, max = -Infinity;
  for (const v of mag) [min, max] = [Math.min(min, v), Math.max(max, v)];
  let g0 = 0, g1 = 0;
  if (mean && mean.length === H * W) {
    const sorted = Float32Array.from(mean).sort();
    g0 = sorted[Math.round(0.01 * (sorted.length - 1))];
    g1 = sorted[Math.round(0.99 * (sorted.length - 1))];
  }
  const ctx = canvas.getContext("2d")!;
  const img = ctx.createImageData(W, H);
  const span = max - min;
  for (let q = 0; q < H * W; q++) {
    const grey = 255 * 0.85 *
      (mean && g1 > g0 ? Math.min(1, Math.max(0, (mean[q] - g0) / (g1 - g0))) : 0.5);
    const t = span > 0 ? (mag[q] - min) / span : 0;
    const c = colormap(t);
    for (let ch = 0; ch < 3; ch++) img.data[4 * q + ch] = Math.round((1 - t) * grey + t * c[ch]);
    img.data[4 * q + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return [min, max];
}

function rgb(t: number): string {
  const [r, g, b] = colormap(Math.max(0, Math.min(1, t)));
  return `rgb(${r},${g},${b})`;
}

/** The maps offered and chosen: methods, kinds, the pick among the choices, the map shown. */
interface MapChoice {
  /** The methods of the maps (ig, saliency). */
  methods: string[];
  /** The method chosen. */
  method: Signal<string>;
  /** The kinds of the maps. */
  kinds: string[];
  /** The kind chosen. */
  kind: Signal<string>;
  /** The index chosen among `choices`. */
  pick: Signal<number>;
  /** The maps of the chosen kind and method (footprints have no method). */
  choices: MapItem[];
  /** The map shown (undefined: none of this kind). */
  current: MapItem | undefined;
}

/** The choice of map: integrated gradients and all latents first, where there are such maps. */
function useMapChoice(maps: MapItem[]): MapChoice {
  const methods = [...new Set(maps.map((m) => m.method).filter((m) => m))] as string[];
  const method = useSignal(methods.includes("ig") ? "ig" : methods[0] ?? "");
  const kinds = [...new Set(maps.map((m) => m.kind))];
  const kind = useSignal(kinds.includes("all") ? "all" : kinds[0]);
  const pick = useSignal(0);
  const choices = maps.filter((m) =>
    m.kind === kind.value && (m.kind === "footprint" || m.method === method.value)
  );
  const current = choices[Math.min(pick.value, choices.length - 1)];
  return { methods, method, kinds, kind, pick, choices, current };
}

/** The drawn map: its values, the colour bar's range, the canvas it is drawn on. */
interface MapDrawing {
  /** The map's values (null while loading). */
  values: Signal<Float32Array | null>;
  /** The magnitudes' minimum and maximum once drawn. */
  range: Signal<[number, number] | null>;
  /** The canvas. */
  canvas: RefObject<HTMLCanvasElement | null>;
}

/**
 * Fetches the run's mean image and the map shown (a stale fetch is dropped when the choice
 * changes), and draws the map over the mean image when either arrives.
 */
function useMapDrawing(
  props: MapsViewerProps,
  current: MapItem | undefined,
  runBase: string,
): MapDrawing {
  const values = useSignal<Float32Array | null>(null);
  const mean = useSignal<Float32Array | null>(null);
  const range = useSignal<[number, number] | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    // The background; a run without it draws maps over flat grey.
    fetchNpy(`${runBase}/mean_image.npy`).then((a) => mean.value = a.data).catch(() => {});
  }, [props.name]);
  useEffect(() => {
    const el = canvas.current;
    if (!el || !values.value) return;
    range.value = drawMap(el, values.value, mean.value, props.height, props.width);
    el.dataset.drawn = current?.file ?? "";
  }, [values.value, mean.value]);
  useEffect(() => {
    values.value = null;
    if (!current) return;
    let stale = false;
    fetchNpy(`${runBase}/maps/` + encodeURIComponent(current.file)).then((a) => {
      if (!stale) values.value = a.data;
    }).catch(() => {});
    return () => {
      stale = true;
    };
  }, [current?.file]);
  return { values, range, canvas };
}

/**
 * Many latents: goes to one by number (or to an edge joining it) rather than scrolling a long
 * list.
 */
function MapSearch({ choices, pick }: { choices: MapItem[]; pick: Signal<number> }) {
  return (
    <input
      type="search"
      class="map-search"
      placeholder={choices[0]?.edge ? "latent in the edge, e.g. 12" : "latent, e.g. 12"}
      onInput={(e) => {
        const q = (e.target as HTMLInputElement).value.trim();
        const j = Number(q);
        if (q === "" || !Number.isInteger(j)) return;
        const k = choices.findIndex((m) =>
          m.latent === j || m.edge?.from === j || m.edge?.to === j
        );
        if (k >= 0) pick.value = k;
      }}
    />
  );
}

/** The method, kind and map selects (and the search, for many maps). */
function MapControls({ c }: { c: MapChoice }) {
  return (
    <div class="controls">
      {c.methods.length > 1
        ? (
          <select
            value={c.method.value}
            onChange={(e) => c.method.value = (e.target as HTMLSelectElement).value}
          >
            {c.methods.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        )
        : null}
      <select
        class="map-kind"
        value={c.kind.value}
        onChange={(e) => {
          c.kind.value = (e.target as HTMLSelectElement).value;
          c.pick.value = 0;
        }}
      >
        {c.kinds.map((k) => <option key={k} value={k}>{k}</option>)}
      </select>
      <select
        class="map-pick"
        value={String(c.pick.value)}
        onChange={(e) => c.pick.value = Number((e.target as HTMLSelectElement).value)}
      >
        {c.choices.map((m, i) => <option key={m.file} value={String(i)}>{label(m)}</option>)}
      </select>
      {c.choices.length > 12 ? <MapSearch choices={c.choices} pick={c.pick} /> : null}
    </div>
  );
}

/** The map drawn large with its colour bar; hovering reads the value under the cursor. */
function MapFigure(
  { props, current, drawing, hover, base }: {
    props: MapsViewerProps;
    current: MapItem;
    drawing: MapDrawing;
    hover: Signal<string>;
    base: string;
  },
) {
  const scale = LONG_SIDE / Math.max(props.height, props.width);
  const shownH = Math.round(props.height * scale), shownW = Math.round(props.width * scale);
  const range = drawing.range.value;
  return (
    <figure>
      <div class="maps-plot">
        <canvas
          ref={drawing.canvas}
          width={props.width}
          height={props.height}
          style={{ width: `${shownW}px`, height: `${shownH}px` }}
          aria-label={`${current.kind} map ${label(current)}`}
          onMouseMove={(e) => {
            const r = (e.target as HTMLCanvasElement).getBoundingClientRect();
            const x = Math.floor(((e.clientX - r.left) / r.width) * props.width);
            const y = Math.floor(((e.clientY - r.top) / r.height) * props.height);
            const v = drawing.values.value?.[y * props.width + x];
            hover.value = v === undefined ? "" : `(${y}, ${x}): ${v.toPrecision(3)}`;
          }}
        />
        {range
          ? (
            <ColorBar
              min={range[0]}
              max={range[1]}
              color={rgb}
              label={mapUnit(current)}
              height={Math.min(shownH - 16, 360)}
            />
          )
          : null}
      </div>
      <figcaption>
        {current.kind} · {label(current)} · {props.height} × {props.width} pixels{" "}
        <a href={base + encodeURIComponent(current.png)} target="_blank">PNG</a> {hover.value}
      </figcaption>
    </figure>
  );
}

/** The island. */
export function MapsViewer(props: MapsViewerProps) {
  const choice = useMapChoice(props.maps);
  const hover = useSignal("");
  const runBase = `/files/${props.name.split("/").map(encodeURIComponent).join("/")}`;
  const drawing = useMapDrawing(props, choice.current, runBase);
  const current = choice.current;
  return (
    <div class="maps" data-map={current?.png ?? ""}>
      <MapControls c={choice} />
      {current
        ? (
          <MapFigure
            props={props}
            current={current}
            drawing={drawing}
            hover={hover}
            base={`${runBase}/maps/`}
          />
        )
        : <p class="note">no maps of this kind</p>}
    </div>
  );
}
