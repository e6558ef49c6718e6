// Two rates a map shows side by side (in the browser dashboard and the terminal viewer): the
// data rate (how fast the module produces frames or events, from the frame numbers of the
// images that reached us and their frame times) and the display rate (how often the map was
// redrawn). With a node throttling to one image per interval, the first can be far above the
// second (the display rate is frameRate over draw times). Pure: times are passed in.
import { RATE_WINDOW_MS } from './frame-rate.js';

/** One image as the data rate sees it: where it came from and when it was taken. */
export interface FrameSample {
  file: string;
  frameNumber: number;
  /** Frame time, ms (White Rabbit when synchronised, else when the node sent it). */
  timeMs: number;
}

/** A sample's frame time (ms): White Rabbit when synchronised and known, else `fallbackMs` (when the node sent it, or when it arrived). */
export function sampleTimeMs(wrSynchronised: boolean, wrUnixNs: bigint | null | undefined, fallbackMs: number): number {
  return wrSynchronised && wrUnixNs !== null && wrUnixNs !== undefined ? Number(wrUnixNs / 1000n) / 1000 : fallbackMs;
}

/** Frames per second from the samples within the window before the newest, in the newest's file; null without two. */
export function dataRate(samples: readonly FrameSample[]): number | null {
  const last = samples[samples.length - 1];
  if (!last) return null;
  const same = samples.filter((s) => s.file === last.file && s.timeMs > last.timeMs - RATE_WINDOW_MS);
  const first = same[0]!;
  const dt = last.timeMs - first.timeMs;
  const df = last.frameNumber - first.frameNumber;
  return same.length >= 2 && dt > 0 && df >= 0 ? (df * 1000) / dt : null;
}

/** A module is quiet when nothing came for 10 typical gaps, and at least 5 s. */
export function isQuiet(arrivalsMs: readonly number[], nowMs: number): boolean {
  const last = arrivalsMs[arrivalsMs.length - 1];
  if (last === undefined) return false;
  const gaps = arrivalsMs.slice(1).map((t, i) => t - arrivalsMs[i]!).sort((a, b) => a - b);
  const typical = gaps.length ? gaps[Math.floor(gaps.length / 2)]! : 0;
  return nowMs - last > Math.max(5000, 10 * typical);
}

/** How far back a rate strip reaches (ms): the last minute. */
export const RATE_HISTORY_MS = 60_000;

/**
 * The data rate over time, for a rate strip: the span `spanMs` before the newest sample cut into
 * `buckets` equal parts (oldest first), each the frames per second between consecutive samples
 * of one file whose later sample falls in it (frames advanced over frame time elapsed); null
 * where no such pair falls in a part.
 */
export function dataRateHistory(samples: readonly FrameSample[], spanMs = RATE_HISTORY_MS, buckets = 60): (number | null)[] {
  const frames = new Array<number>(buckets).fill(0);
  const ms = new Array<number>(buckets).fill(0);
  const last = samples[samples.length - 1];
  if (!last || !(spanMs > 0) || buckets < 1) return new Array<number | null>(Math.max(0, buckets)).fill(null);
  const start = last.timeMs - spanMs;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const dt = b.timeMs - a.timeMs;
    const df = b.frameNumber - a.frameNumber;
    // A new file restarts frame numbers; a clock step back says nothing about the rate.
    if (a.file !== b.file || dt <= 0 || df < 0 || b.timeMs <= start) continue;
    const k = Math.min(buckets - 1, Math.floor(((b.timeMs - start) / spanMs) * buckets));
    frames[k]! += df;
    ms[k]! += dt;
  }
  return frames.map((f, k) => (ms[k]! > 0 ? (f * 1000) / ms[k]! : null));
}
