// The hub publishes a file's read frames together only while the ring holds every frame and no
// ROI reader wants their pixels; then the subscribers get the newest image once, with the count
// of frames it stands for, and the numbering is the same as publishing them one by one.
import { DATA_PRODUCTS, type ImageKind } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import { broadcastImage, type BroadcastImage } from './broadcast-image.js';
import { FrameRing } from './frame-ring.js';
import { ImageHub } from './image-hub.js';
import { PffFrameSource, type FileFrameRun } from './pff-frame-bytes.js';

const dp = DATA_PRODUCTS.ph256;
const FRAME = 40;

function run(count: number): FileFrameRun {
  const bytes = Uint8Array.from({ length: count * FRAME }, (_, i) => i & 0xff);
  const starts = Array.from({ length: count }, (_, k) => k * FRAME);
  return {
    moduleId: 4,
    kind: 'pulse-height',
    file: 'f.pff',
    dataProduct: dp,
    bytes,
    starts,
    frameNumbers: starts.map((_, k) => 10 + k),
    frameSize: FRAME,
    seenAt: 0,
    image: (k) => broadcastImage({ moduleId: 4, kind: 'pulse-height', file: 'f.pff', frameNumber: 10 + k, seenAt: 0 }, () => new Uint8Array(1), undefined, new PffFrameSource(bytes.subarray(k * FRAME, (k + 1) * FRAME), dp, 0)),
  };
}

function hubWith(hold: boolean, roi: boolean): { hub: ImageHub; ring: FrameRing; seen: Array<[BroadcastImage, number]> } {
  const ring = new FrameRing({ maxBytes: 1e6, maxAgeMs: 1e9, clock: () => 0 });
  const hub = new ImageHub(ring, () => hold, (_m: number, _k: ImageKind) => roi);
  const seen: Array<[BroadcastImage, number]> = [];
  hub.subscribe((image, count) => seen.push([image, count]));
  return { hub, ring, seen };
}

describe('ImageHub.publishFileFrames', () => {
  it('while the ring holds every frame: the frames get the next sequences, the ring holds them all, subscribers and the newest get the last one once', () => {
    const { hub, ring, seen } = hubWith(true, false);
    hub.publish(run(1).image(0));
    expect(hub.publishFileFrames(run(5))).toBe(true);
    expect(hub.publishedCount).toBe(6);
    expect(ring.held).toBe(6);
    expect(seen.map(([image, count]) => [image.sequence, image.frameNumber, count])).toEqual([
      [1, 10, 1],
      [6, 14, 5],
    ]);
    expect(hub.latestWithSequence(4, 'pulse-height', 6)).toBe(seen[1]![0]);
    expect(seen[1]![0].pffKept).toBe(true);
    const read = ring.read(2, () => true, 10, 1e9);
    expect(read.images.map((i) => [i.sequence, i.frameNumber])).toEqual([
      [2, 10],
      [3, 11],
      [4, 12],
      [5, 13],
      [6, 14],
    ]);
  });

  it('publishes nothing (false) while nobody wants every frame, or an ROI reader wants their pixels: each frame is then published as its image', () => {
    for (const [hold, roi] of [
      [false, false],
      [true, true],
    ] as const) {
      const { hub, seen } = hubWith(hold, roi);
      expect(hub.publishFileFrames(run(3))).toBe(false);
      expect(hub.publishedCount).toBe(0);
      expect(seen).toEqual([]);
    }
  });
});
