/** @jsxImportSource preact */
/// <reference lib="dom" />
/**
 * A searchable latent picker: the chosen latents as removable chips, and a search field
 * that lists the matching latents (by number: "1" finds 1, 10–19, 100–199…; "3-7" a range)
 * to add with a click or Enter. It replaces a row of one checkbox per latent, which at 128
 * or 512 latents was a wall of boxes.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { LatentPicker, matchLatents } from "./_latent_picker.tsx";
 *
 * if (matchLatents("1", 128, [], 5).join() !== "1,10,11,12,13") throw new Error("prefix");
 * if (matchLatents("3-5", 8, [4], 10).join() !== "3,5") throw new Error("a range, less chosen");
 * const html = renderToString(h(LatentPicker, { d: 128, selected: [0, 5], onChange: () => {} }));
 * if (!html.includes('data-latent="5"')) throw new Error(html);
 * ```
 *
 * @module
 */
import { useSignal } from "@preact/signals";
import { seriesColor } from "./_colors.ts";

/**
 * The latents a query names, not yet chosen: a range "a-b", or those whose number starts
 * with the digits typed (all when the query is empty).
 *
 * @param query What was typed.
 * @param d Latents.
 * @param chosen Already chosen (left out).
 * @param limit At most this many.
 * @returns Latent indices, ascending.
 */
export function matchLatents(query: string, d: number, chosen: number[], limit: number): number[] {
  const q = query.trim().replace(/^z/i, "");
  const taken = new Set(chosen);
  const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(q);
  const out: number[] = [];
  if (range) {
    const a = Number(range[1]), b = Math.min(d - 1, Number(range[2]));
    for (let j = a; j <= b && out.length < limit; j++) if (!taken.has(j)) out.push(j);
    return out;
  }
  if (q !== "" && !/^\d+$/.test(q)) return [];
  for (let j = 0; j < d && out.length < limit; j++) {
    if (!taken.has(j) && String(j).startsWith(q)) out.push(j);
  }
  return out;
}

/** Props of {@link LatentPicker}. */
export interface LatentPickerProps {
  /** Latents d. */
  d: number;
  /** Chosen latents. */
  selected: number[];
  /** Called with the new choice. */
  onChange: (next: number[]) => void;
  /** At most this many chosen (default 12). */
  max?: number;
}

/** The picker. */
export function LatentPicker({ d, selected, onChange, max = 12 }: LatentPickerProps) {
  const query = useSignal("");
  const open = useSignal(false);
  const full = selected.length >= max;
  const matches = matchLatents(query.value, d, selected, 10);
  const add = (js: number[]) => {
    const next = [...new Set([...selected, ...js])].slice(0, max).sort((a, b) => a - b);
    onChange(next);
    query.value = "";
    open.value = false;
  };
  return (
    <div class="latent-picker">
      <span class="chips">
        {selected.map((j) => (
          <button
            type="button"
            class="chip"
            key={j}
            data-latent={j}
            title={`remove latent ${j}`}
            style={{ borderColor: seriesColor(j) }}
            onClick={() => onChange(selected.filter((x) => x !== j))}
          >
            <i style={{ background: seriesColor(j) }} />z{j} ×
          </button>
        ))}
      </span>
      <span class="search">
        <input
          type="search"
          class="latent-search"
          placeholder={full ? `at most ${max} latents` : `add a latent (0–${d - 1}, or 3-7)`}
          disabled={full}
          value={query.value}
          onFocus={() => open.value = true}
          onBlur={() => setTimeout(() => open.value = false, 150)}
          onInput={(e) => {
            query.value = (e.target as HTMLInputElement).value;
            open.value = true;
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && matches.length) {
              e.preventDefault();
              // A range adds all it names; a number adds its best match.
              add(query.value.includes("-") ? matches : [matches[0]]);
            } else if (e.key === "Escape") open.value = false;
          }}
        />
        {open.value && !full
          ? (
            <span class="options" role="listbox">
              {matches.length
                ? matches.map((j) => (
                  <button
                    type="button"
                    class="latent-option"
                    role="option"
                    key={j}
                    data-latent={j}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => add([j])}
                  >
                    z{j}
                  </button>
                ))
                : <span class="note">no latent “{query.value}” (0–{d - 1})</span>}
            </span>
          )
          : null}
      </span>
      <span class="note">{selected.length} of {d} latents shown</span>
    </div>
  );
}
