// What the page remembers per module and image kind: the newest image, recent pixel arrays
// (for robust colour limits), frame samples of the last minute (data rate and its strip), draw times (display rate), and for
// pulse-height the event maxima (histogram). Pure; the tile view draws from it.
import { eventMaximum, HISTOGRAM_EVENTS, moduleField, RATE_HISTORY_MS, robustLimits, sampleTimeMs, type ColourLimits, type FrameSample, type Grid } from '@daqdata/core/browser';
import type { TileImage } from '../shared/image-message.js';

/** Frames the colour limits are taken over. */
export const LIMIT_FRAMES = 16;
/** Limits are recomputed at most this often (a sort of 16k values per tile is not free at 900 images/s). */
export const LIMITS_PERIOD_MS = 500;
const KEEP_SAMPLES = 256;
/** Frame samples kept for the rate strip: the last RATE_HISTORY_MS of them, and at most this many. */
const KEEP_RATE_SAMPLES = 8192;

export class KindTrack {
  latest: TileImage | undefined;
  /** The image the tile last drew (the large view shows the same). */
  shown: TileImage | undefined;
  /** Limits the last draw used. */
  limits: ColourLimits | null = null;
  #limitsAtMs = -Infinity;
  readonly recent: ArrayLike<number>[] = [];
  readonly samples: FrameSample[] = [];
  readonly arrivalsMs: number[] = [];
  readonly drawsMs: number[] = [];
  readonly maxima: number[] = [];

  /** Folds in an image; false (and nothing changes) when it is the frame already held: a node may send its latest frame again each interval, and an event must be counted once. */
  add(img: TileImage, nowMs: number): boolean {
    if (this.latest && this.latest.file === img.file && this.latest.frameNumber === img.frameNumber && this.latest.host === img.host) return false;
    this.latest = img;
    this.recent.push(img.pixels);
    if (this.recent.length > LIMIT_FRAMES) this.recent.shift();
    const timeMs = sampleTimeMs(img.wrSynchronised, img.wrUnixNs === null ? null : BigInt(img.wrUnixNs), img.nodeSentMs ?? nowMs);
    push(this.samples, { file: img.file, frameNumber: img.frameNumber, timeMs }, KEEP_RATE_SAMPLES);
    let old = 0;
    while (old < this.samples.length && this.samples[old]!.timeMs < timeMs - RATE_HISTORY_MS) old++;
    if (old > 0) this.samples.splice(0, old);
    push(this.arrivalsMs, nowMs, KEEP_SAMPLES);
    if (img.kind === 'pulse-height') push(this.maxima, eventMaximum(img.pixels), HISTOGRAM_EVENTS);
    return true;
  }

  /** Colour limits for drawing now, recomputed when older than LIMITS_PERIOD_MS. */
  limitsFor(nowMs: number): ColourLimits | null {
    if (nowMs - this.#limitsAtMs >= LIMITS_PERIOD_MS || this.limits === null) {
      this.limits = robustLimits(this.recent);
      this.#limitsAtMs = nowMs;
    }
    return this.limits;
  }

  drawn(img: TileImage, nowMs: number): void {
    this.shown = img;
    push(this.drawsMs, nowMs, KEEP_SAMPLES);
  }
}

function push<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/** The module field an image is drawn as (a ph256 event placed in its quadrant). */
export function tileField(img: TileImage): Grid {
  return moduleField({ shape: [img.rows, img.cols], pixels: img.pixels, quabo: img.quabo ?? undefined });
}
