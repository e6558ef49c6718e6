// The colour bar under a map: the low limit, the colours from bottom to top of the scale, the
// high limit ("12 ████████ 3999"), so a reader can turn a colour back into a pixel value.
// The limits are the map's own (robust quantiles of its recent frames, from core).
import type { ColourLimits } from '@daqdata/core';
import { shadeChar } from './colour-map.js';
import type { ColourMode } from './colour-mode.js';
import { fitText } from './fit-text.js';
import { colourParam, RESET } from './heatmap.js';

/** A limit as the bar prints it: integers as is, others to one decimal. */
export function formatLimit(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** Level (0..1) of bar cell i of n: the bottom of the scale on the left, the top on the right. */
export function barLevel(i: number, n: number): number {
  return n <= 1 ? 1 : i / (n - 1);
}

/** One line exactly width columns wide; without limits, says there is no scale yet. */
export function renderColourBar(limits: ColourLimits | null, width: number, mode: ColourMode): string {
  if (width <= 0) return '';
  if (!limits) return fitText('no colour scale yet', width);
  const lo = formatLimit(limits.lo);
  const hi = formatLimit(limits.hi);
  const cells = width - lo.length - hi.length - 2;
  if (cells < 4) return fitText(`${lo}..${hi}`, width);
  let bar = '';
  for (let i = 0; i < cells; i++) {
    const t = barLevel(i, cells);
    bar += mode === 'none' ? shadeChar(t) : `\x1b[${colourParam(t, 48, mode)}m `;
  }
  return `${lo} ${bar}${mode === 'none' ? '' : RESET} ${hi}`;
}
