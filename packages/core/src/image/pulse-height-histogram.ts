// The per-module pulse-height histogram: each event's maximum pixel in ADC units, binned
// between the smallest and largest maximum seen, with log counts so a long tail of bright
// events stays visible beside the pile of faint ones. Pure; the browser dashboard and
// `daq plot phdist` both draw it.

/** Bin counts between lo and hi (ADC), every bin the same integer width. */
export interface Histogram {
  /** Lower edge of the first bin and upper edge of the last, ADC. */
  lo: number;
  hi: number;
  counts: number[];
  total: number;
}

/** Events kept per module (oldest dropped). */
export const HISTOGRAM_EVENTS = 4096;

/** Maximum pixel of an event; NaN for an empty one. */
export function eventMaximum(pixels: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < pixels.length; i++) if (pixels[i]! > m) m = pixels[i]!;
  return pixels.length ? m : NaN;
}

/** Integer-width bins (ADC values are integers) covering every value; null for no values. */
export function histogram(values: readonly number[], maxBins: number): Histogram | null {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of finite) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const width = Math.max(1, Math.ceil((hi - lo + 1) / Math.max(1, Math.floor(maxBins))));
  const n = Math.ceil((hi - lo + 1) / width);
  const counts = new Array<number>(n).fill(0);
  for (const v of finite) counts[Math.floor((v - lo) / width)]!++;
  return { lo, hi: lo + n * width, counts, total: finite.length };
}

/** Bar height fraction of a count: log10(1 + count) against the tallest bar's. */
export function logHeight(count: number, maxCount: number): number {
  return maxCount > 0 ? Math.log10(1 + count) / Math.log10(1 + maxCount) : 0;
}
