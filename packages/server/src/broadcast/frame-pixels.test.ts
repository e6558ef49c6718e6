// The frame pixels a BroadcastImage keeps for ROI stats: taken from the frame once (before the
// frame is let go), owning their bytes, timed as the core's frameTime, and counted by the ring.
import { DATA_PRODUCTS, decodePixelBlock, frameTime, timingPacket, type FrameHeader, type QuaboPacket } from '@daqdata/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastImage } from './broadcast-image.js';
import { framePixelsOf, headerTime } from './frame-pixels.js';
import { FrameRing, KEPT_IMAGE_OVERHEAD_BYTES, RING_ENTRY_OVERHEAD_BYTES } from './frame-ring.js';
import { encodeFramePanoImage } from './pano-image-encoding.js';

const img16 = DATA_PRODUCTS.img16;
const packet = (n: number): QuaboPacket => ({ pkt_num: n, pkt_tai: 529 + n, pkt_nsec: 1000 * n, tv_sec: 1_721_880_000 + n, tv_usec: n });
const quabos = (p: QuaboPacket): FrameHeader => ({ quabo_0: p, quabo_1: p, quabo_2: p, quabo_3: p });

/** Three img16 frames decoded in one block, as the file reader does: each a view of one shared buffer. */
function batch(): Uint16Array[] {
  const bytes = new Uint8Array(3 * 2048);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13) & 0xff;
  return decodePixelBlock(img16, bytes, [0, 2048, 4096]) as Uint16Array[];
}

describe('framePixelsOf', () => {
  it('copies a frame’s pixels out of a shared block (the copy owns just its bytes) and keeps an owning array as it is', () => {
    const frames = batch();
    expect(frames[1]!.buffer.byteLength).toBe(3 * 2048);
    const got = framePixelsOf({ header: quabos(packet(1)), pixels: frames[1]! }, img16);
    expect(got.pixels.buffer.byteLength).toBe(2048);
    expect(Array.from(got.pixels)).toEqual(Array.from(frames[1]!));
    expect([got.rows, got.cols]).toEqual([32, 32]);
    const own = new Uint16Array(1024);
    expect(framePixelsOf({ header: quabos(packet(1)), pixels: own }, img16).pixels).toBe(own);
  });

  it('times a frame as the core’s frameTime does (WR when synchronised, else arrival, flagged), for any packet', () => {
    const field = fc.integer({ min: 0, max: 2 ** 31 });
    fc.assert(
      fc.property(fc.record({ pkt_num: fc.integer({ min: 0, max: 65535 }), pkt_tai: fc.integer({ min: 0, max: 1023 }), pkt_nsec: fc.integer({ min: 0, max: 999_999_999 }), tv_sec: field, tv_usec: fc.integer({ min: 0, max: 999_999 }) }), (p) => {
        const reference = frameTime(timingPacket(quabos(p)));
        expect(headerTime(quabos(p), img16)).toEqual({ unixNs: reference.unixNs, wrSynchronised: reference.wrSynchronised });
        expect(headerTime({ ...p, quabo_num: 2 }, DATA_PRODUCTS.ph256)).toEqual({ unixNs: reference.unixNs, wrSynchronised: reference.wrSynchronised });
      }),
    );
  });

  it('has no time for a header without this product’s timing fields', () => {
    expect(headerTime({ quabo_0: packet(1) }, img16)).toBeNull();
    expect(headerTime(quabos(packet(1)), DATA_PRODUCTS.ph256)).toBeNull();
  });
});

describe('BroadcastImage.framePixels', () => {
  it('takes the pixels once, before the encoder is let go, and keeps them after encoding', () => {
    let taken = 0;
    const pixels = new Uint16Array(1024).fill(5);
    const image = broadcastImage({ moduleId: 1, kind: 'movie', file: 'f', frameNumber: 0, seenAt: 0 }, () => new Uint8Array(10), () => {
      taken++;
      return { pixels, rows: 32, cols: 32, time: null };
    });
    expect(image.encoded().length).toBe(10);
    expect(taken).toBe(1);
    expect(image.framePixels()!.pixels).toBe(pixels);
    expect(image.framePixels()).toBe(image.framePixels());
    expect(taken).toBe(1);
  });

  it('keeps no pixels when no ROI reader wants them: framePixels then decodes the encoding, equal to the frame, and keeps nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1024, maxLength: 1024 }), (n, values) => {
        const frame = { index: n, header: quabos(packet(n)), pixels: Uint16Array.from(values) };
        let taken = 0;
        const image = broadcastImage({ moduleId: 1, kind: 'movie', file: 'f', frameNumber: n, seenAt: 0 }, () => encodeFramePanoImage(frame, { file: 'f', moduleId: 1, dataProduct: img16 }), () => {
          taken++;
          return framePixelsOf(frame, img16);
        });
        image.keepPixels = false;
        image.encoded();
        expect(taken).toBe(0);
        expect(image.keptPixelBytes).toBe(0);
        const decoded = image.framePixels()!;
        expect(Array.from(decoded.pixels)).toEqual(values);
        expect([decoded.rows, decoded.cols]).toEqual([32, 32]);
        expect(decoded.time).toEqual(headerTime(frame.header, img16));
        expect(image.keptPixelBytes).toBe(0);
      }),
      { numRuns: 30 },
    );
  });

  it('is null for an image whose bytes are not a PanoImage and that has no frame', () => {
    expect(broadcastImage({ moduleId: 1, kind: 'movie', file: 'f', frameNumber: 0, seenAt: 0 }, () => new Uint8Array([0xff, 0xff, 0xff])).framePixels()).toBeNull();
  });

  it('the ring counts the kept pixels beside the encoding, and stays within maxBytes with them', () => {
    // Room for three entries and a bit: each 100-byte encoding takes a slab of its own (a slab is
    // 1/64 of the ring, counted whole), beside its 2 KiB of pixels, its image object and the overhead.
    const maxBytes = 4 * (100 + 2048 + KEPT_IMAGE_OVERHEAD_BYTES + RING_ENTRY_OVERHEAD_BYTES);
    const entry = Math.floor(maxBytes / 64) + 2048 + KEPT_IMAGE_OVERHEAD_BYTES + RING_ENTRY_OVERHEAD_BYTES;
    const ring = new FrameRing({ maxBytes, maxAgeMs: 1e9, clock: () => 0 });
    const frames = batch();
    for (let s = 1; s <= 5; s++) {
      const image = broadcastImage({ moduleId: 1, kind: 'movie', file: 'f', frameNumber: s, seenAt: 0 }, () => new Uint8Array(100), () => framePixelsOf({ header: quabos(packet(s)), pixels: frames[s % 3]! }, img16));
      image.sequence = s;
      ring.push(image, true);
      expect(ring.heldBytes).toBe(Math.min(s, 3) * entry);
      expect(ring.heldBytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(ring.held).toBe(3);
    expect(ring.oldestHeld).toBe(3);
  });

  it('the ring counts no pixels for an image that keeps none', () => {
    const ring = new FrameRing({ maxBytes: 1 << 20, maxAgeMs: 1e9, clock: () => 0 });
    const frames = batch();
    const image = broadcastImage({ moduleId: 1, kind: 'movie', file: 'f', frameNumber: 1, seenAt: 0 }, () => new Uint8Array(100), () => framePixelsOf({ header: quabos(packet(1)), pixels: frames[0]! }, img16));
    image.sequence = 1;
    image.keepPixels = false;
    ring.push(image, true);
    expect(ring.heldBytes).toBe(Math.floor((1 << 20) / 64) + RING_ENTRY_OVERHEAD_BYTES);
  });
});
