// Values over time as a line with a point per sample, on a UTC time axis.
import { figureFrame, type FigureSpec } from './render-svg.js';

export interface TimePoint {
  /** Unix milliseconds or a Date (a Vega time axis works in milliseconds). */
  time: number | Date;
  value: number;
  /** Optional series name: one line per series, with a legend. */
  series?: string;
}

export interface TimeSeriesOptions {
  title?: string;
  valueLabel?: string;
  timeLabel?: string;
  /** 'step-after' for counts per interval, 'linear' for samples. */
  interpolate?: 'linear' | 'step-after';
  /** Start the value axis at zero (default true); false fits it to the data, for small variations on a large level. */
  zero?: boolean;
  plotWidth?: number;
  plotHeight?: number;
}

export function timeSeries(points: readonly TimePoint[], options: TimeSeriesOptions = {}): FigureSpec {
  const hasSeries = points.some((p) => p.series !== undefined);
  return {
    ...figureFrame(options.title, options.plotWidth ?? 480, options.plotHeight ?? 200),
    data: {
      values: points.map((p) => ({ time: +p.time, value: p.value, series: p.series ?? '' })),
    },
    mark: { type: 'line', point: true, interpolate: options.interpolate ?? 'linear' },
    encoding: {
      x: { field: 'time', type: 'temporal', scale: { type: 'utc' }, axis: { format: '%H:%M:%S', title: options.timeLabel ?? 'time (UTC)' } },
      y: { field: 'value', type: 'quantitative', title: options.valueLabel ?? 'value', scale: { zero: options.zero ?? true } },
      ...(hasSeries ? { color: { field: 'series', type: 'nominal', title: null } } : {}),
      tooltip: [{ field: 'time', type: 'temporal', format: '%H:%M:%S.%L' }, { field: 'value' }],
    },
  } as FigureSpec;
}

/**
 * Event counts per fixed interval as a rate (events per second), one point per interval from
 * the first event's interval to the last's, empty intervals included as zero.
 */
export function eventRate(timesMs: Iterable<number>, intervalMs: number): { time: number; value: number }[] {
  if (!(intervalMs > 0)) throw new RangeError(`event rate: interval ${intervalMs} ms is not positive`);
  const counts = new Map<number, number>();
  let first = Infinity;
  let last = -Infinity;
  for (const t of timesMs) {
    if (!Number.isFinite(t)) continue;
    const slot = Math.floor(t / intervalMs);
    counts.set(slot, (counts.get(slot) ?? 0) + 1);
    first = Math.min(first, slot);
    last = Math.max(last, slot);
  }
  const points: { time: number; value: number }[] = [];
  for (let slot = first; slot <= last; slot++) {
    points.push({ time: slot * intervalMs, value: ((counts.get(slot) ?? 0) * 1000) / intervalMs });
  }
  return points;
}
