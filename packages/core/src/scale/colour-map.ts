// Colour maps for heat maps, from d3-scale-chromatic (the maintained implementation of
// matplotlib's perceptually uniform maps) instead of hand-copied colour stops: viridis, and
// plasma, the reference's. Each map is sampled once into a 256-entry lookup table, so a level
// in [0, 1] maps to an exact 8-bit RGB triple; the terminal viewer and the browser dashboard
// draw with the same table, so a test can compute the colour any pixel must have.
import { interpolatePlasma, interpolateViridis } from 'd3-scale-chromatic';

/** A colour as red, green, blue, each 0-255. */
export type Rgb = readonly [r: number, g: number, b: number];

/** The colour maps offered: viridis, and plasma (the reference's). */
export const COLOUR_MAP_NAMES = ['viridis', 'plasma'] as const;
/** One of COLOUR_MAP_NAMES. */
export type ColourMapName = (typeof COLOUR_MAP_NAMES)[number];

/** Entries per lookup table: one per 8-bit level. */
export const COLOUR_MAP_STEPS = 256;

function sampled(interpolate: (t: number) => string): Uint8Array {
  const table = new Uint8Array(COLOUR_MAP_STEPS * 3);
  for (let i = 0; i < COLOUR_MAP_STEPS; i++) {
    // d3 returns "#rrggbb" for these maps.
    const hex = interpolate(i / (COLOUR_MAP_STEPS - 1));
    const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    if (!m) throw new Error(`d3-scale-chromatic returned ${hex}, not #rrggbb`);
    table.set([parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)], i * 3);
  }
  return table;
}

const TABLES = new Map<ColourMapName, Uint8Array>();

/** The map's lookup table: RGB triples for levels 0, 1/255, ... 1. */
export function colourTable(name: ColourMapName): Uint8Array {
  let t = TABLES.get(name);
  if (!t) {
    t = sampled(name === 'plasma' ? interpolatePlasma : interpolateViridis);
    TABLES.set(name, t);
  }
  return t;
}

/** Table index of a level t in [0, 1] (clamped; NaN = 0). */
export function colourIndex(t: number): number {
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t));
  return Math.round(x * (COLOUR_MAP_STEPS - 1));
}

/** Colour of a level t in [0, 1] on a map. */
export function colourOf(t: number, name: ColourMapName = 'viridis'): Rgb {
  const table = colourTable(name);
  const i = colourIndex(t) * 3;
  return [table[i]!, table[i + 1]!, table[i + 2]!];
}

/** Viridis colour of a level t in [0, 1]. */
export function viridis(t: number): Rgb {
  return colourOf(t, 'viridis');
}
