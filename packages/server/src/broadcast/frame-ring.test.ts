import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS } from '@daqdata/core';
import { broadcastImage, type BroadcastImage } from './broadcast-image.js';
import { FrameRing, RING_ENTRY_OVERHEAD_BYTES } from './frame-ring.js';
import { PffFrameSource, type FileFrameRun } from './pff-frame-bytes.js';

let now = 0;
const clock = () => now;

/** Bytes that say which image they are (the ring copies them into its slabs). */
const content = (sequence: number, size: number) => Uint8Array.from({ length: size }, (_, i) => (sequence * 7 + i) & 0xff);

function image(sequence: number, size: number, moduleId = 1): BroadcastImage {
  const img = broadcastImage({ moduleId, kind: 'pulse-height', file: 'f', frameNumber: sequence, seenAt: now }, () => content(sequence, size));
  img.sequence = sequence;
  return img;
}
const all = () => true;

describe('FrameRing', () => {
  it('never holds more than maxBytes, and what a reader gets plus its gap covers every sequence once (any sizes, any reader position)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 20_000 }), fc.nat(), (sizes, maxBytes, startAt) => {
        now = 0;
        const ring = new FrameRing({ maxBytes, maxAgeMs: 1e9, clock });
        sizes.forEach((size, i) => {
          ring.push(image(i + 1, size), true);
          expect(ring.heldBytes).toBeLessThanOrEqual(maxBytes);
        });
        const from = (startAt % sizes.length) + 1;
        const got: number[] = [];
        let cursor = from;
        let missing = 0;
        for (;;) {
          const r = ring.read(cursor, all, 7, 1e9);
          if (r.gap) {
            expect(r.gap.firstMissing).toBe(cursor);
            expect(r.gap.reason).toBe('ring-overrun');
            missing += r.gap.count;
          }
          got.push(...r.images.map((i) => i.sequence));
          for (const i of r.images) expect(i.encoded()).toEqual(content(i.sequence, sizes[i.sequence - 1]!));
          if (r.images.length === 0 && !r.gap) break;
          cursor = r.next;
        }
        expect(missing + got.length).toBe(sizes.length - from + 1);
        expect(got).toEqual(Array.from({ length: got.length }, (_, k) => sizes.length - got.length + 1 + k));
      }),
    );
  });

  it('keeps the facts and bytes of every held frame while its columns grow, compact and empty (thousands of frames, readers anywhere)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 2000, maxLength: 6000 }), fc.integer({ min: 20_000, max: 400_000 }), fc.nat(), (sizes, maxBytes, seed) => {
        now = 0;
        const ring = new FrameRing({ maxBytes, maxAgeMs: 1e9, clock });
        const pushed: BroadcastImage[] = [];
        sizes.forEach((size, k) => {
          const s = k + 1;
          const img = broadcastImage({ moduleId: s % 5, kind: s % 3 ? 'movie' : 'pulse-height', file: `file-${s % 7}`, frameNumber: s * 3, seenAt: s / 2 }, () => content(s, size));
          img.sequence = s;
          pushed.push(img);
          ring.push(img, (s + seed) % 1500 !== 0); // now and then nobody wants every frame: the ring empties
          if ((s + seed) % 97 === 0) {
            const from = ring.oldestHeld + ((s * 31 + seed) % Math.max(1, ring.held));
            const r = ring.read(from, () => true, 50, 1e9);
            r.images.forEach((got, j) => {
              const want = pushed[got.sequence - 1]!;
              expect(got.sequence).toBe(from + j);
              expect([got.moduleId, got.kind, got.file, got.frameNumber, got.seenAt]).toEqual([want.moduleId, want.kind, want.file, want.frameNumber, want.seenAt]);
              expect(got.encoded()).toEqual(content(got.sequence, sizes[got.sequence - 1]!));
            });
          }
          expect(ring.heldBytes).toBeLessThanOrEqual(maxBytes);
        });
        const r = ring.read(ring.oldestHeld, () => true, 1e6, 1e9);
        expect(r.images.length).toBe(ring.held);
        expect(r.images.map((i) => i.sequence)).toEqual(Array.from({ length: ring.held }, (_, j) => ring.oldestHeld + j));
        for (const got of r.images) expect(got.encoded()).toEqual(content(got.sequence, sizes[got.sequence - 1]!));
      }),
      { numRuns: 15 },
    );
  });

  it('counts each entry as its bytes plus the overhead, and drops frames older than maxAgeMs', () => {
    now = 0;
    const ring = new FrameRing({ maxBytes: 10 * (100 + RING_ENTRY_OVERHEAD_BYTES), maxAgeMs: 1000, clock });
    for (let s = 1; s <= 5; s++) ring.push(image(s, 100), true);
    expect(ring.heldBytes).toBe(5 * (100 + RING_ENTRY_OVERHEAD_BYTES));
    now = 1500;
    ring.push(image(6, 100), true);
    expect(ring.held).toBe(1);
    expect(ring.oldestHeld).toBe(6);
    expect(ring.read(1, all, 10, 1e9).gap).toEqual({ firstMissing: 1, count: 5, reason: 'ring-overrun' });
  });

  it('holds nothing while nobody wants every frame, and a reader starting then gets only what follows', () => {
    now = 0;
    const ring = new FrameRing({ maxBytes: 1e6, maxAgeMs: 1e9, clock });
    for (let s = 1; s <= 3; s++) ring.push(image(s, 10), false);
    expect(ring.held).toBe(0);
    expect(ring.oldestHeld).toBe(4);
    ring.push(image(4, 10), true);
    const r = ring.read(ring.oldestHeld, all, 10, 1e9);
    expect(r).toMatchObject({ gap: null, next: 5 });
    expect(r.images.map((i) => i.sequence)).toEqual([4]);
  });

  it('skips images the reader does not want, batches within the limit and the byte budget, at least one image each', () => {
    now = 0;
    const ring = new FrameRing({ maxBytes: 1e6, maxAgeMs: 1e9, clock });
    for (let s = 1; s <= 10; s++) ring.push(image(s, 100, s % 2), true);
    const odd = (moduleId: number) => moduleId === 1;
    expect(ring.read(1, odd, 2, 1e9).images.map((i) => i.sequence)).toEqual([1, 3]);
    expect(ring.read(1, odd, 10, 250).images.map((i) => i.sequence)).toEqual([1, 3]);
    expect(ring.read(1, odd, 10, 50).images.map((i) => i.sequence)).toEqual([1]);
    expect(ring.read(4, odd, 10, 1e9)).toMatchObject({ next: 11 });
  });

  it('reports frames dropped by a re-initialisation as re-init', () => {
    now = 0;
    const ring = new FrameRing({ maxBytes: 1e6, maxAgeMs: 1e9, clock });
    for (let s = 1; s <= 4; s++) ring.push(image(s, 10), true);
    ring.clearForReinit();
    ring.push(image(5, 10), true);
    expect(ring.read(3, all, 10, 1e9)).toMatchObject({ gap: { firstMissing: 3, count: 2, reason: 're-init' } });
  });

  it('an evicted image that others still hold keeps its bytes once its slab is reused', async () => {
    now = 0;
    const newest = new Set<BroadcastImage>();
    // 2 slabs of 64 bytes (maxBytes / 64): images of 40 bytes, one per slab.
    const ring = new FrameRing({ maxBytes: 4096 + 8 * RING_ENTRY_OVERHEAD_BYTES, maxAgeMs: 1e9, clock, retainedElsewhere: (_m, _k, sequence) => [...newest].find((img) => img.sequence === sequence) });
    const kept = image(1, 40);
    newest.add(kept);
    ring.push(kept, true);
    for (let s = 2; s <= 400; s++) {
      ring.push(image(s, 40), true);
      // A turn between pushes: emptied slabs become reusable.
      if (s % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(ring.evicted).toBeGreaterThan(100);
    expect(ring.slabsReused).toBeGreaterThan(0);
    expect(Buffer.from(kept.encoded()).equals(Buffer.from(content(1, 40)))).toBe(true);
    // Every image still held has its own bytes, whatever slab it is in.
    const r = ring.read(ring.oldestHeld, all, 1000, 1e9);
    for (const img of r.images) expect(Buffer.from(img.encoded()).equals(Buffer.from(content(img.sequence, 40)))).toBe(true);
  });

  describe('runs of a file\'s frames published together', () => {
    const dp = DATA_PRODUCTS.ph256;

    /** `count` frames of `frameSize` bytes in a reader's buffer, `spacing` bytes apart (more than the size: bytes that are not frames between). */
    function run(firstSequence: number, count: number, frameSize: number, spacing: number, file = 'f.pff'): { run: FileFrameRun; frame: (k: number) => Uint8Array; images: BroadcastImage[] } {
      const bytes = new Uint8Array(spacing * count + 7);
      bytes.fill(0xee);
      const starts = Array.from({ length: count }, (_, k) => 3 + k * spacing);
      const frame = (k: number) => content(firstSequence + k, frameSize);
      starts.forEach((at, k) => bytes.set(frame(k), at));
      const images: BroadcastImage[] = [];
      const r: FileFrameRun = {
        moduleId: 2,
        kind: 'pulse-height',
        file,
        dataProduct: dp,
        bytes,
        starts,
        frameNumbers: starts.map((_, k) => 100 + firstSequence + k),
        frameSize,
        seenAt: now,
        image: (k) => {
          const pff = new PffFrameSource(bytes.subarray(starts[k]!, starts[k]! + frameSize), dp, 0);
          const img = broadcastImage({ moduleId: 2, kind: 'pulse-height', file, frameNumber: 100 + firstSequence + k, seenAt: now }, () => frame(k), undefined, pff);
          images.push(img);
          return img;
        },
      };
      return { run: r, frame, images };
    }

    it('holds every frame of every run as the file held it, within maxBytes, and readers get them in order with exact gaps (any sizes, spacing, ring size)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 30 }),
          fc.integer({ min: 500, max: 100_000 }),
          (runs, maxBytes) => {
            now = 0;
            const ring = new FrameRing({ maxBytes, maxAgeMs: 1e9, clock });
            const want = new Map<number, { bytes: Uint8Array; frameNumber: number }>();
            let next = 1;
            for (const [count, frameSize, gapBytes] of runs) {
              const { run: r, frame, images } = run(next, count, frameSize, frameSize + gapBytes);
              const newest = r.image(count - 1);
              ring.pushFileFrames(r, next, newest);
              expect(ring.heldBytes).toBeLessThanOrEqual(maxBytes);
              expect(ring.newestSequence).toBe(next + count - 1);
              for (let k = 0; k < count; k++) want.set(next + k, { bytes: frame(k), frameNumber: r.frameNumbers[k]! });
              // The run's newest image views the ring's copy when the ring holds it.
              if (ring.held > 0 && ring.oldestHeld <= next + count - 1) {
                expect(images[0]!.pffKept).toBe(true);
                expect(images[0]!.pffFrame()!.bytes).toEqual(frame(count - 1));
              }
              next += count;
            }
            let cursor = 1;
            let missing = 0;
            const got: number[] = [];
            for (;;) {
              const r = ring.read(cursor, all, 13, 1e9);
              if (r.gap) missing += r.gap.count;
              for (const img of r.images) {
                expect(img.pffFrame()!.bytes).toEqual(want.get(img.sequence)!.bytes);
                expect([img.moduleId, img.kind, img.file, img.frameNumber]).toEqual([2, 'pulse-height', 'f.pff', want.get(img.sequence)!.frameNumber]);
                got.push(img.sequence);
              }
              if (r.images.length === 0 && !r.gap) break;
              cursor = r.next;
            }
            expect(missing + got.length).toBe(next - 1);
            expect(got).toEqual(Array.from({ length: got.length }, (_, k) => next - got.length + k));
          },
        ),
        { numRuns: 50 },
      );
    });

    it('holds a run exactly as publishing its frames one by one does', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 2000, max: 60_000 }), (counts, maxBytes) => {
          now = 0;
          const together = new FrameRing({ maxBytes, maxAgeMs: 1e9, clock });
          const oneByOne = new FrameRing({ maxBytes, maxAgeMs: 1e9, clock });
          let next = 1;
          for (const count of counts) {
            const a = run(next, count, 300, 300);
            together.pushFileFrames(a.run, next, a.run.image(count - 1));
            const b = run(next, count, 300, 300);
            for (let k = 0; k < count; k++) {
              const img = b.run.image(k);
              img.sequence = next + k;
              img.keepPixels = false;
              oneByOne.push(img, true);
            }
            next += count;
          }
          expect([together.held, together.heldBytes, together.oldestHeld, together.evicted]).toEqual([oneByOne.held, oneByOne.heldBytes, oneByOne.oldestHeld, oneByOne.evicted]);
          const x = together.read(1, all, 1e6, 1e9);
          const y = oneByOne.read(1, all, 1e6, 1e9);
          expect(x.gap).toEqual(y.gap);
          expect(x.images.map((i) => [i.sequence, i.frameNumber, Array.from(i.pffFrame()!.bytes)])).toEqual(y.images.map((i) => [i.sequence, i.frameNumber, Array.from(i.pffFrame()!.bytes)]));
        }),
        { numRuns: 60 },
      );
    });
  });
});
