// Colour maps come from d3-scale-chromatic, sampled into 256-entry tables: every level maps
// to the table entry d3 gives for that step, viridis and plasma have their published ends,
// and levels outside [0, 1] (or NaN) clamp.
import { interpolatePlasma, interpolateViridis } from 'd3-scale-chromatic';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { colourIndex, colourOf, colourTable, COLOUR_MAP_STEPS, viridis } from '../src/scale/colour-map.js';

const hex = (rgb: readonly number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

describe('colour maps', () => {
  it('every table entry is the colour d3-scale-chromatic gives at that step', () => {
    for (const [name, interpolate] of [['viridis', interpolateViridis], ['plasma', interpolatePlasma]] as const) {
      const table = colourTable(name);
      expect(table.length).toBe(COLOUR_MAP_STEPS * 3);
      for (let i = 0; i < COLOUR_MAP_STEPS; i++) expect(hex([...table.subarray(i * 3, i * 3 + 3)])).toBe(interpolate(i / (COLOUR_MAP_STEPS - 1)));
    }
  });

  it("viridis runs from matplotlib's #440154 to #fde725, plasma from #0d0887 to #f0f921", () => {
    expect(hex([...viridis(0)])).toBe('#440154');
    expect(hex([...viridis(1)])).toBe('#fde725');
    expect(hex([...colourOf(0, 'plasma')])).toBe('#0d0887');
    expect(hex([...colourOf(1, 'plasma')])).toBe('#f0f921');
  });

  it('a level maps to the nearest of the 256 steps; outside [0, 1] and NaN clamp', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), (t) => {
        const i = colourIndex(t);
        expect(Number.isInteger(i) && i >= 0 && i < COLOUR_MAP_STEPS).toBe(true);
        const clamped = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
        expect(Math.abs(i / (COLOUR_MAP_STEPS - 1) - clamped)).toBeLessThanOrEqual(0.5 / (COLOUR_MAP_STEPS - 1) + 1e-12);
        expect(colourOf(t)).toEqual(viridis(clamped));
      }),
    );
  });
});
