// What a light curve (an ROI's signal per frame, against frame time) says about a periodic
// source: the frequency with the most power in a Schuster periodogram, and the curve folded at
// a frequency (the pulse profile). Pure; times in seconds from any origin.

/** Periodogram power at `frequencyHz`: |Σ (y − mean) e^{−2πi f t}|² / n. */
export function periodogramPower(t: ArrayLike<number>, y: ArrayLike<number>, frequencyHz: number): number {
  const n = t.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let re = 0;
  let im = 0;
  const w = 2 * Math.PI * frequencyHz;
  for (let i = 0; i < n; i++) {
    const v = y[i]! - mean;
    const a = w * t[i]!;
    re += v * Math.cos(a);
    im -= v * Math.sin(a);
  }
  return (re * re + im * im) / n;
}

/** Where strongestFrequency looks: a band in Hz and the scan step. */
export interface FrequencySearch {
  minHz: number;
  maxHz: number;
  /** Scan step; default a quarter of the resolution 1/span, so the true peak is never between two steps. */
  stepHz?: number;
}

/** The frequency in [minHz, maxHz] with the most power: a scan, then golden-section refinement around the best step. */
export function strongestFrequency(t: ArrayLike<number>, y: ArrayLike<number>, o: FrequencySearch): { frequencyHz: number; power: number } {
  const n = t.length;
  if (n < 3 || y.length !== n) throw new RangeError(`a light curve needs at least 3 points and as many times as values (got ${n} times, ${y.length} values)`);
  if (!(o.minHz >= 0 && o.maxHz > o.minHz)) throw new RangeError(`frequency range ${o.minHz}-${o.maxHz} Hz is empty`);
  const span = t[n - 1]! - t[0]!;
  if (!(span > 0)) throw new RangeError('the light curve spans no time');
  const step = o.stepHz ?? 1 / (4 * span);
  const steps = Math.ceil((o.maxHz - o.minHz) / step);
  if (steps > 1_000_000) throw new RangeError(`${steps} frequencies to scan: narrow the range or widen the step`);
  let best = o.minHz;
  let bestPower = -1;
  for (let k = 0; k <= steps; k++) {
    const f = Math.min(o.maxHz, o.minHz + k * step);
    const p = periodogramPower(t, y, f);
    if (p > bestPower) (best = f), (bestPower = p);
  }
  // Golden-section search for the maximum within one step either side.
  let lo = Math.max(o.minHz, best - step);
  let hi = Math.min(o.maxHz, best + step);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let pa = periodogramPower(t, y, a);
  let pb = periodogramPower(t, y, b);
  for (let i = 0; i < 40; i++) {
    if (pa > pb) {
      hi = b;
      (b = a), (pb = pa);
      a = hi - g * (hi - lo);
      pa = periodogramPower(t, y, a);
    } else {
      lo = a;
      (a = b), (pa = pb);
      b = lo + g * (hi - lo);
      pb = periodogramPower(t, y, b);
    }
  }
  const f = (lo + hi) / 2;
  const p = periodogramPower(t, y, f);
  return p >= bestPower ? { frequencyHz: f, power: p } : { frequencyHz: best, power: bestPower };
}

/** The light curve folded at `frequencyHz`: the mean value in each of `bins` phase bins (NaN for an empty bin). */
export function foldLightCurve(t: ArrayLike<number>, y: ArrayLike<number>, frequencyHz: number, bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1 || bins > 100_000) throw new RangeError(`bins must be an integer 1-100000, got ${bins}`);
  const sum = new Array<number>(bins).fill(0);
  const count = new Array<number>(bins).fill(0);
  for (let i = 0; i < t.length; i++) {
    const phase = (t[i]! * frequencyHz) % 1;
    const bin = Math.min(bins - 1, Math.floor((phase < 0 ? phase + 1 : phase) * bins));
    sum[bin]! += y[i]!;
    count[bin]!++;
  }
  return sum.map((s, i) => (count[i] ? s / count[i]! : NaN));
}
