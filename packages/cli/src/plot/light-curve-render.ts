// `daq plot lightcurve`'s state and screen: per node, module and ROI the recent values of one
// ROI statistic (sum by default) against frame arrival, drawn as one sparkline row each
// (▁▂▃▄▅▆▇█, scaled to that row's own range over the window), binned to the terminal's width,
// with the newest value and the range. Pure: the store is fed records, the renderer returns lines.
import type { RoiRecord } from '@daqdata/client';
import { fitText } from './fit-text.js';

export type LightCurveStat = 'sum' | 'mean' | 'max' | 'signal';

interface Point {
  atMs: number;
  value: number;
}

/** Points per series: 8 modules × 8 ROIs at 1 kHz over 10 s stay within it. */
const MAX_POINTS_PER_SERIES = 20_000;

export class LightCurves {
  private readonly series = new Map<string, Point[]>();
  constructor(
    private readonly windowMs: number,
    private readonly stat: LightCurveStat,
  ) {}

  add(record: RoiRecord, arrivalMs: number): void {
    for (const [name, stats] of Object.entries(record.rois)) {
      if (!stats) continue;
      const key = `${record.host} M${record.moduleId} ${name}`;
      let points = this.series.get(key);
      if (!points) this.series.set(key, (points = []));
      points.push({ atMs: arrivalMs, value: stats[this.stat] });
      if (points.length > MAX_POINTS_PER_SERIES) points.splice(0, points.length - MAX_POINTS_PER_SERIES);
    }
  }

  /** Drops points older than the window. */
  prune(nowMs: number): void {
    const oldest = nowMs - this.windowMs;
    for (const points of this.series.values()) {
      let n = 0;
      while (n < points.length && points[n]!.atMs < oldest) n++;
      if (n > 0) points.splice(0, n);
    }
  }

  entries(): Array<[string, readonly Point[]]> {
    return [...this.series].sort(([a], [b]) => a.localeCompare(b));
  }
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** Mean value per time bin across [nowMs - windowMs, nowMs]; null where a bin has no point. */
export function binned(points: readonly Point[], nowMs: number, windowMs: number, bins: number): Array<number | null> {
  const sum = new Array<number>(bins).fill(0);
  const count = new Array<number>(bins).fill(0);
  const start = nowMs - windowMs;
  for (const p of points) {
    if (p.atMs < start || p.atMs > nowMs) continue;
    const b = Math.min(bins - 1, Math.floor(((p.atMs - start) / windowMs) * bins));
    sum[b]! += p.value;
    count[b]!++;
  }
  return sum.map((s, i) => (count[i] ? s / count[i]! : null));
}

/** One sparkline: each bin's block by its value within [min, max] of the bins; a space for an empty bin. */
export function sparkline(values: ReadonlyArray<number | null>): string {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return ' '.repeat(values.length);
  const min = Math.min(...present);
  const max = Math.max(...present);
  return values.map((v) => (v === null ? ' ' : BLOCKS[max === min ? 3 : Math.round(((v - min) / (max - min)) * (BLOCKS.length - 1))]!)).join('');
}

const short = (v: number) => (Math.abs(v) >= 1e6 ? v.toExponential(2) : Number.isInteger(v) ? String(v) : v.toFixed(1));

export interface LightCurveFrameOptions {
  columns: number;
  rows: number;
  nowMs: number;
  windowMs: number;
  stat: LightCurveStat;
  title: string;
  status: readonly string[];
}

export function renderLightCurves(curves: LightCurves, o: LightCurveFrameOptions): string[] {
  const lines = [fitText(o.title, o.columns)];
  const entries = curves.entries();
  if (entries.length === 0) lines.push(fitText('waiting for ROI records…', o.columns));
  const labelWidth = Math.min(40, Math.max(0, ...entries.map(([k]) => k.length)));
  const room = o.rows - 1 - o.status.length;
  for (const [key, points] of entries.slice(0, Math.max(0, room))) {
    const values = binned(points, o.nowMs, o.windowMs, Math.max(8, o.columns - labelWidth - 34));
    const present = values.filter((v): v is number => v !== null);
    const last = points.at(-1);
    const range = present.length ? `${short(Math.min(...present))}…${short(Math.max(...present))}` : '-';
    lines.push(fitText(`${key.padEnd(labelWidth)} ${sparkline(values)} ${o.stat} ${last ? short(last.value) : '-'} [${range}]`, o.columns));
  }
  return [...lines, ...o.status.map((s) => fitText(s, o.columns))];
}
