import { DeliveryOptions_Policy, FrameGap_Reason, PanoImage_Type, formatDataFileName, type PanoImage, type PffFrameRun, type StreamImagesResponse } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import { EveryFrameTracker } from '../src/stream/every-frame-tracker.js';

const pano = (frameNumber: number, file = 'a.pff', moduleId = 1): PanoImage => ({
  type: PanoImage_Type.PULSE_HEIGHT,
  header: {},
  imageArray: [],
  shape: [16, 16],
  bytesPerPixel: 2,
  file,
  frameNumber,
  moduleId,
});

/** A response carrying `images` ([sequence, pano]) from incarnation `inc`. */
function response(inc: string, images: Array<[number, PanoImage]>, gap?: { first: number; count: number; reason: FrameGap_Reason }): StreamImagesResponse {
  const [first, ...rest] = images;
  return {
    name: 'n',
    message: '',
    ...(first ? { panoImage: first[1] } : {}),
    everyFrame: {
      nodeSequence: first?.[0] ?? 0,
      nodeIncarnation: inc,
      batch: rest.map(([sequence, panoImage]) => ({ sequence, panoImage })),
      pffRuns: [],
      ...(gap ? { gap: { firstMissingSequence: gap.first, count: gap.count, reason: gap.reason } } : {}),
    },
  };
}

const frames = (t: ReturnType<EveryFrameTracker['accept']>) => t.images.map((i) => (i.panoImage ?? i.pff).frameNumber);

describe('EveryFrameTracker', () => {
  it('asks to resume after the last sequence delivered, and drops what it already delivered', () => {
    const t = new EveryFrameTracker(16);
    expect(t.request({ streamMovieData: false, streamPulseHeightData: true, updateIntervalSeconds: 0, moduleIds: [] }).delivery).toEqual({
      policy: DeliveryOptions_Policy.EVERY_FRAME,
      batchLimit: 16,
      resume: undefined,
      pffFrames: false,
    });
    expect(frames(t.accept(response('i1', [[1, pano(0)], [2, pano(1)]])))).toEqual([0, 1]);
    expect(frames(t.accept(response('i1', [[2, pano(1)], [3, pano(2)]])))).toEqual([2]);
    expect(t.resumePoint).toEqual({ incarnation: 'i1', afterSequence: 3 });
  });

  it('started from a resume point kept elsewhere: asks for it first, and drops what lies at or before it', () => {
    const t = new EveryFrameTracker(0, { incarnation: 'i1', afterSequence: 5 });
    expect(t.request({ streamMovieData: false, streamPulseHeightData: true, updateIntervalSeconds: 0, moduleIds: [] }).delivery!.resume).toEqual({ nodeIncarnation: 'i1', afterSequence: 5 });
    expect(frames(t.accept(response('i1', [[5, pano(4)], [6, pano(5)]])))).toEqual([5]);
    expect(t.resumePoint).toEqual({ incarnation: 'i1', afterSequence: 6 });
  });

  it('passes the node’s ring-overrun and re-init records on', () => {
    const t = new EveryFrameTracker(0);
    t.accept(response('i1', [[1, pano(0)]]));
    expect(t.accept(response('i1', [[9, pano(8)]], { first: 2, count: 7, reason: FrameGap_Reason.RING_OVERRUN })).gaps).toEqual([
      { reason: 'ring-overrun', firstMissingSequence: 2, count: 7 },
    ]);
  });

  it('after a restart: drops frames it has, counts lost ones exactly per module and type, once', () => {
    const t = new EveryFrameTracker(0);
    t.accept(response('i1', [[1, pano(0)], [2, pano(4, 'b.pff', 2)]]));
    t.accept(response('i1', [[3, pano(1)]]));
    // The restarted node's record (count unknown to it) is replaced by the SDK's own count.
    const r = t.accept(response('i2', [], { first: 4, count: 0, reason: FrameGap_Reason.NODE_RESTART }));
    expect(r).toEqual({ images: [], gaps: [], invalidRuns: [] });
    const s = t.accept(response('i2', [[1, pano(1)], [2, pano(5)], [3, pano(6)], [4, pano(0, 'c.pff', 2)]]));
    expect(frames(s)).toEqual([5, 6, 0]);
    expect(s.gaps).toEqual([
      { reason: 'node-restart', count: 3, moduleId: 1, kind: 'pulse-height', file: 'a.pff', firstMissingFrame: 2 },
      { reason: 'node-restart', count: null, moduleId: 2, kind: 'pulse-height', file: 'c.pff', firstMissingFrame: null },
    ]);
    expect(t.accept(response('i2', [[5, pano(9)]])).gaps).toEqual([]);
  });

  it('a node that does not deliver every frame is an error, not a silent latest stream', () => {
    const t = new EveryFrameTracker(0);
    expect(() => t.accept({ name: 'n', message: '', panoImage: pano(0) })).toThrow(/does not support every-frame delivery/);
  });

  it('merges PFF runs with PanoImages in sequence order, and tracks their frames as images (duplicates dropped, a restart compared by file and frame number)', () => {
    const file = formatDataFileName({ start: '2025-08-02T05:31:36Z', dataProduct: 'ph256', moduleId: 1, seqno: 0 });
    const run = (firstFrameNumber: number, sequences: number[]): PffFrameRun => ({ file, moduleId: 1, firstFrameNumber, sequences, frames: new Uint8Array(sequences.length * 600) });
    const t = new EveryFrameTracker(16, undefined, true);
    expect(t.request({ streamMovieData: false, streamPulseHeightData: true, updateIntervalSeconds: 0, moduleIds: [] }).delivery?.pffFrames).toBe(true);
    const r = response('i1', [[2, pano(0, 'u')], [5, pano(1, 'u')]]);
    r.everyFrame!.pffRuns = [run(10, [1, 3, 4]), run(13, [6])];
    const tracked = t.accept(r);
    expect(tracked.images.map((i) => [i.sequence, i.pff ? 'pff' : 'pano', (i.panoImage ?? i.pff).frameNumber])).toEqual([
      [1, 'pff', 10], [2, 'pano', 0], [3, 'pff', 11], [4, 'pff', 12], [5, 'pano', 1], [6, 'pff', 13],
    ]);
    expect(tracked.images[0]!.pff!.type).toBe(PanoImage_Type.PULSE_HEIGHT);
    // Sent again after a reconnect: nothing twice.
    const again = response('i1', []);
    again.everyFrame!.pffRuns = [run(12, [4, 7])];
    expect(t.accept(again).images.map((i) => i.sequence)).toEqual([7]);
    // The node restarted: its frames of that file are compared with the last one delivered (frame 13).
    const restarted = response('i2', []);
    restarted.everyFrame!.pffRuns = [run(15, [1, 2])];
    const after = t.accept(restarted);
    expect(after.images.map((i) => (i.panoImage ?? i.pff).frameNumber)).toEqual([15, 16]);
    expect(after.gaps).toEqual([{ reason: 'node-restart', count: 1, moduleId: 1, kind: 'pulse-height', file, firstMissingFrame: 14 }]);
  });
});
