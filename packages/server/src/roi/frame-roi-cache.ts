// ROI stats of published frames, computed once per frame and distinct ROI geometry however many
// clients ask: two clients whose ROIs overlap (the same rectangle and background, under any
// name) share one computation. Results hang off the image object (a WeakMap), so they live
// exactly as long as the ring or a client batch holds the frame (the ring holds the image
// object of a frame that keeps its pixels; a frame read without them is a new object per read,
// so its results are not shared between calls). The pixels come from the
// frame itself (BroadcastImage.framePixels), kept while an ROI reader wants its module and type;
// only frames the ring held before that are decoded from their encoding (a decode costs many
// times the sums of 8 ROIs on an img16 frame), once per call, never kept.
import { PanoImage_Type, rectProblem, roiGeometryKey, roiStats, type NamedRoi, type RoiValues } from '@daqdata/core';
import type { FramePixels } from '../broadcast/broadcast-image.js';
import type { RingImage } from '../broadcast/frame-ring.js';
import type { Clock } from '../broadcast/clock.js';

/** Distinct ROI geometries cached per frame; more are computed each time they are asked for. */
export const MAX_CACHED_GEOMETRIES_PER_FRAME = 256;
const NS_PER_S = 1_000_000_000n;

/** What a record says about the frame itself. */
export interface FrameFacts {
  moduleId: number;
  type: PanoImage_Type;
  file: string;
  frameNumber: number;
  timeUnixSeconds: number;
  timeNanos: number;
  wrSynchronised: boolean;
}

interface FrameEntry {
  facts: FrameFacts;
  values: Map<string, RoiValues>;
}

const OUTSIDE: RoiValues = Object.freeze({ sum: 0, mean: 0, max: 0, pixels: 0, profileX: [], profileY: [], signal: 0, outsideImage: true }) as RoiValues;

function factsOf(image: RingImage, frame: FramePixels | null): FrameFacts {
  // WR time when synchronised, else the DAQ computer's arrival clock (flagged); 0 without timing fields.
  const ns = frame?.time?.unixNs ?? 0n;
  return {
    moduleId: image.moduleId,
    type: image.kind === 'movie' ? PanoImage_Type.MOVIE : PanoImage_Type.PULSE_HEIGHT,
    file: image.file,
    frameNumber: image.frameNumber,
    timeUnixSeconds: Number(ns / NS_PER_S),
    timeNanos: Number(ns % NS_PER_S),
    wrSynchronised: frame?.time?.wrSynchronised ?? false,
  };
}

export class FrameRoiCache {
  private readonly frames = new WeakMap<RingImage, FrameEntry>();
  readonly startedAt: number;
  framesProcessed = 0;
  roiComputations = 0;
  /** seenAt of the newest frame processed (ms, the node's clock); null before the first. */
  lastFrameAt: number | null = null;

  constructor(clock: Clock) {
    this.startedAt = clock();
  }

  /** The frame's facts and, per ROI in order, its values (shared objects: never mutate). */
  statsOf(image: RingImage, rois: readonly NamedRoi[]): { facts: FrameFacts; values: RoiValues[] } {
    // Asked for once per call, and only if needed: for a frame without kept pixels it is a decode.
    let frame: FramePixels | null | undefined;
    const pixels = () => (frame === undefined ? (frame = image.framePixels()) : frame);
    let entry = this.frames.get(image);
    if (!entry) {
      entry = { facts: factsOf(image, pixels()), values: new Map() };
      this.frames.set(image, entry);
      this.framesProcessed++;
      if (this.lastFrameAt === null || image.seenAt > this.lastFrameAt) this.lastFrameAt = image.seenAt;
    }
    const values: RoiValues[] = [];
    for (const roi of rois) {
      const key = roiGeometryKey(roi);
      let v = entry.values.get(key);
      if (!v) {
        v = this.compute(pixels(), roi);
        if (entry.values.size < MAX_CACHED_GEOMETRIES_PER_FRAME) entry.values.set(key, v);
      }
      values.push(v);
    }
    return { facts: entry.facts, values };
  }

  private compute(frame: FramePixels | null, roi: NamedRoi): RoiValues {
    this.roiComputations++;
    if (!frame) return OUTSIDE;
    const { rows, cols } = frame;
    if (rectProblem(roi.rect, rows, cols) || (roi.background && rectProblem(roi.background, rows, cols))) return OUTSIDE;
    // The stats object itself gains the flag: a spread copy would double the allocations per ROI and frame.
    return Object.assign(roiStats(frame.pixels, cols, roi), { outsideImage: false });
  }
}
