// One host's StreamRoiStats responses as ROI records: each response checked by the host's
// every-frame tracker (no duplicate after a reconnect, resume point kept, gaps reported on the
// status stream and to the caller's callback), each record named by the request's ROIs.
import { PanoImage_Type, isoFromUnixNs, type NamedRoi, type RoiFrameRecord, type RoiStats, type RoiValues, type StreamRoiStatsResponse } from '@daqdata/core';
import type { EventHub } from '../status/event-hub.js';
import type { FrameGapEvent } from '../status/stream-event.js';
import type { EveryFrameTracker } from './every-frame-tracker.js';

/** What one frame said inside each ROI, as `daq roi --json` prints it. */
export interface RoiRecord {
  host: string;
  moduleId: number;
  type: 'movie' | 'pulse-height';
  /** The node's sequence number of the frame, and the node incarnation it belongs to. */
  sequence: number;
  incarnation: string;
  file: string;
  frameNumber: number;
  /** White Rabbit time when synchronised, else the arrival clock (wrSynchronised false); null when the frame had no timing fields. */
  time: { unixNs: bigint; wrSynchronised: boolean; iso: string } | null;
  /** Per ROI name its stats; null when the ROI does not fit this frame's image (a 16×16 product). */
  rois: Record<string, RoiStats | null>;
}

function statsOf(v: RoiValues): RoiStats | null {
  if (v.outsideImage) return null;
  return { sum: v.sum, mean: v.mean, max: v.max, pixels: v.pixels, profileX: v.profileX, profileY: v.profileY, signal: v.signal };
}

function recordOf(r: RoiFrameRecord, host: string, sequence: number, incarnation: string, names: readonly string[]): RoiRecord {
  const rois: Record<string, RoiStats | null> = {};
  names.forEach((name, i) => {
    const v = r.rois[i];
    rois[name] = v ? statsOf(v) : null;
  });
  const ns = BigInt(r.timeUnixSeconds) * 1_000_000_000n + BigInt(r.timeNanos);
  return {
    host,
    moduleId: r.moduleId,
    type: r.type === PanoImage_Type.MOVIE ? 'movie' : 'pulse-height',
    sequence,
    incarnation,
    file: r.file,
    frameNumber: r.frameNumber,
    time: ns === 0n ? null : { unixNs: ns, wrSynchronised: r.wrSynchronised, iso: isoFromUnixNs(ns) },
    rois,
  };
}

export async function* roiRecords(
  responses: AsyncIterable<StreamRoiStatsResponse>,
  tracker: EveryFrameTracker,
  o: { host: string; rois: readonly NamedRoi[]; events: EventHub; onGap?: ((gap: FrameGapEvent) => void) | undefined },
): AsyncGenerator<RoiRecord> {
  const names = o.rois.map((r) => r.name);
  for await (const response of responses) {
    const tracked = tracker.acceptItems(
      response.nodeIncarnation,
      response.gap,
      response.records.map((item) => ({ sequence: item.nodeSequence, item })),
    );
    for (const g of tracked.gaps) {
      const gap: FrameGapEvent = { type: 'gap', host: o.host, at: new Date(), ...g };
      o.events.emit(gap);
      o.onGap?.(gap);
    }
    for (const { sequence, incarnation, item } of tracked.items) yield recordOf(item, o.host, sequence, incarnation, names);
  }
}
