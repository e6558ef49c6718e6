// Histograms computed here rather than by Vega's bin transform: the bins are a pure function
// a test can check, and a log-count axis needs empty bins left out (log 0 is undefined).
import { figureFrame, type FigureSpec } from './render-svg.js';

export interface Bin {
  /** Inclusive lower edge. */
  start: number;
  /** Exclusive upper edge (the last bin also holds the maximum). */
  end: number;
  count: number;
}

export interface BinOptions {
  /** Bin width; default: a round width giving about `bins` bins. */
  binWidth?: number;
  /** Target number of bins when no width is given. */
  bins?: number;
}

/** Equal-width bins from a round lower edge, covering every finite value. */
export function binValues(values: Iterable<number>, options: BinOptions = {}): Bin[] {
  const finite = [...values].filter(Number.isFinite);
  if (finite.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const v of finite) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const width = options.binWidth ?? niceWidth((max - min) / (options.bins ?? 30));
  if (!(width > 0)) throw new RangeError(`histogram: bin width ${width} is not positive`);
  const first = Math.floor(min / width) * width;
  const n = Math.max(1, Math.floor((max - first) / width) + 1);
  const counts = new Array<number>(n).fill(0);
  for (const v of finite) counts[Math.min(n - 1, Math.floor((v - first) / width))]! += 1;
  return counts.map((count, i) => ({ start: first + i * width, end: first + (i + 1) * width, count }));
}

/** 1, 2 or 5 times a power of ten, at least `raw` (and at least 1: pixel values are integers). */
function niceWidth(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((w) => w >= raw)!;
  return Math.max(1, step);
}

const LOG_BASELINE = 0.7;

export interface HistogramOptions extends BinOptions {
  title?: string;
  /** Axis title of the values, e.g. 'maximum pixel (ADC)'. */
  valueLabel?: string;
  /** Log-scaled counts: rare tails stay visible next to a tall peak. */
  log?: boolean;
  /** Plot size in pixels. */
  plotWidth?: number;
  plotHeight?: number;
  color?: string;
  /** Value-axis extent [from, to]; default: the bins' own. Several histograms compared side by side share one. */
  valueDomain?: readonly [number, number];
}

export function histogram(values: Iterable<number>, options: HistogramOptions = {}): FigureSpec {
  const bins = binValues(values, options);
  const log = options.log ?? false;
  const maxCount = bins.reduce((m, b) => Math.max(m, b.count), 1);
  return {
    ...figureFrame(options.title, options.plotWidth ?? 360, options.plotHeight ?? 220),
    data: { values: log ? bins.filter((b) => b.count > 0) : bins },
    mark: { type: 'bar', color: options.color ?? '#4c78a8', binSpacing: 0 },
    encoding: {
      x: {
        field: 'start',
        type: 'quantitative',
        bin: { binned: true },
        title: options.valueLabel ?? 'value',
        ...(options.valueDomain ? { scale: { domain: [...options.valueDomain], nice: false, zero: false } } : {}),
      },
      x2: { field: 'end' },
      y: {
        field: 'count',
        type: 'quantitative',
        title: log ? 'count (log scale)' : 'count',
        // A log axis has no zero: bars grow from just below 1, so a bin of one event still shows.
        // The top is the next power of ten, so the tallest bar is never clipped.
        ...(log ? { scale: { type: 'log', domain: [LOG_BASELINE, 10 ** Math.ceil(Math.log10(maxCount))] } } : {}),
      },
      ...(log ? { y2: { datum: LOG_BASELINE } } : {}),
      tooltip: [{ field: 'start', title: 'from' }, { field: 'end', title: 'to' }, { field: 'count' }],
    },
  } as FigureSpec;
}
