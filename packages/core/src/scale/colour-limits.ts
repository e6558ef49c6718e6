// Colour limits from robust quantiles: a few hot pixels or a cosmic-ray hit must not wash
// out the rest of the map, so the limits are the 1% and 99.5% quantiles of recent frames.
// Pure and free of Node built-ins: the terminal viewer and the browser dashboard share it.

/** The pixel values mapped to the bottom and the top of a colour scale. */
export interface ColourLimits {
  readonly lo: number;
  readonly hi: number;
}

/** Quantile of recent pixel values at the bottom of the scale (1 %). */
export const DEFAULT_LOW_QUANTILE = 0.01;
/** Quantile at the top (99.5 %): one hot pixel does not flatten the map. */
export const DEFAULT_HIGH_QUANTILE = 0.995;

/** Quantile q of ascending values, linear between closest ranks (NumPy's default). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const i = Math.floor(h);
  const a = sorted[i]!;
  const b = sorted[Math.min(i + 1, sorted.length - 1)]!;
  return a + (h - i) * (b - a);
}

/**
 * Limits over every finite value of the given frames; null when there is none. A flat
 * field gets hi = lo + 1 so that a level can still be computed.
 */
export function robustLimits(
  frames: readonly ArrayLike<number>[],
  lowQ = DEFAULT_LOW_QUANTILE,
  highQ = DEFAULT_HIGH_QUANTILE,
): ColourLimits | null {
  let n = 0;
  for (const f of frames) n += f.length;
  const all = new Float64Array(n);
  let k = 0;
  for (const f of frames) {
    for (let i = 0; i < f.length; i++) {
      const v = f[i]!;
      if (Number.isFinite(v)) all[k++] = v;
    }
  }
  if (k === 0) return null;
  const sorted = all.subarray(0, k).sort();
  const lo = quantileOfSorted(sorted, lowQ);
  const hi = quantileOfSorted(sorted, highQ);
  return hi > lo ? { lo, hi } : { lo, hi: lo + 1 };
}

/** Level in [0, 1] of a value between the limits (clamped); NaN stays NaN (no data). */
export function level(value: number, limits: ColourLimits): number {
  if (Number.isNaN(value)) return NaN;
  return Math.min(1, Math.max(0, (value - limits.lo) / (limits.hi - limits.lo)));
}
