// Pulse-height distribution: each event's maximum pixel, histogrammed per module over sliding
// windows (10 s / 60 s / 600 s by default). Events are kept with their arrival time; a
// window is a filter over them, so all windows share one store and one set of bin edges.

export const DEFAULT_WINDOWS_S: readonly number[] = [10, 60, 600];

export interface PulseHeightEvent {
  readonly arrivalMs: number;
  readonly maxPixel: number;
}

/** The largest pixel of an event. */
export function eventMaximum(pixels: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < pixels.length; i++) if (pixels[i]! > max) max = pixels[i]!;
  return max;
}

/** Events per module within the longest window. */
export class PulseHeightEvents {
  readonly #byModule = new Map<number, PulseHeightEvent[]>();
  constructor(readonly keepMs: number) {}

  add(moduleId: number, event: PulseHeightEvent): void {
    let list = this.#byModule.get(moduleId);
    if (!list) this.#byModule.set(moduleId, (list = []));
    list.push(event);
    this.prune(event.arrivalMs);
  }

  prune(nowMs: number): void {
    for (const list of this.#byModule.values()) {
      let drop = 0;
      while (drop < list.length && list[drop]!.arrivalMs <= nowMs - this.keepMs) drop++;
      if (drop > 0) list.splice(0, drop);
    }
  }

  modules(): number[] {
    return [...this.#byModule.keys()].sort((a, b) => a - b);
  }

  events(moduleId: number): readonly PulseHeightEvent[] {
    return this.#byModule.get(moduleId) ?? [];
  }
}

/** Maximum pixels of the events that arrived within windowMs before nowMs. */
export function valuesInWindow(events: readonly PulseHeightEvent[], nowMs: number, windowMs: number): number[] {
  return events.filter((e) => e.arrivalMs > nowMs - windowMs && e.arrivalMs <= nowMs).map((e) => e.maxPixel);
}

export interface BinEdges {
  /** Lowest value of bin 0. */
  readonly start: number;
  /** Integer bin width (pixel values are integers). */
  readonly width: number;
  readonly count: number;
}

/** At most maxBins integer-aligned bins covering [min, max]; null without values. */
export function binEdges(values: readonly number[], maxBins: number): BinEdges | null {
  if (values.length === 0) return null;
  const min = Math.floor(Math.min(...values));
  const max = Math.floor(Math.max(...values));
  const bins = Math.max(1, maxBins);
  const width = Math.max(1, Math.ceil((max - min + 1) / bins));
  return { start: min, width, count: Math.floor((max - min) / width) + 1 };
}

export function histogram(values: readonly number[], edges: BinEdges): number[] {
  const counts = new Array<number>(edges.count).fill(0);
  for (const v of values) {
    const k = Math.floor((Math.floor(v) - edges.start) / edges.width);
    if (k >= 0 && k < edges.count) counts[k]!++;
  }
  return counts;
}

/** "120-129" (inclusive) or "120" for a bin of width 1. */
export function binLabel(edges: BinEdges, k: number): string {
  const lo = edges.start + k * edges.width;
  return edges.width === 1 ? String(lo) : `${lo}-${lo + edges.width - 1}`;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;

/** A bar of count/max of width columns, in eighths of a column, padded to width. */
export function bar(count: number, max: number, width: number): string {
  if (width <= 0) return '';
  const eighths = max > 0 ? Math.round((count / max) * width * 8) : 0;
  const full = Math.floor(eighths / 8);
  const text = '█'.repeat(full) + EIGHTHS[eighths % 8]!;
  return text + ' '.repeat(width - [...text].length);
}

export function formatWindow(seconds: number): string {
  return seconds % 60 === 0 && seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`;
}
