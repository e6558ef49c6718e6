// The incremental reader under arbitrary chunking: however the bytes of a growing file arrive,
// the same frames come out, and a partial frame at the end simply waits for the rest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, detectLayout, encodeFrame, readFrames, type DataProductInfo, type FrameLayout, type PffFrame } from '../src/index.js';
import { concatBytes, cutsArb, frameArb, split } from './arbitraries.js';

/** Feeds `chunks` one after another the way a file follower does, keeping only the unread rest. */
function readIncrementally(chunks: readonly Uint8Array[], dp: DataProductInfo) {
  const frames: PffFrame[] = [];
  let layout: FrameLayout | 'need-more' = 'need-more';
  let seen: Uint8Array = new Uint8Array(0); // the whole prefix, only until the layout is known
  let pending: Uint8Array = new Uint8Array(0); // bytes from file offset `next` on
  let next = 0;
  for (const chunk of chunks) {
    pending = concatBytes([pending, chunk]);
    if (layout === 'need-more') {
      seen = concatBytes([seen, chunk]);
      layout = detectLayout(seen, dp, 'f.pff');
      if (layout === 'need-more') continue;
    }
    const result = readFrames(pending, next, layout, { file: 'f.pff', chunkOffset: next });
    expect(result.errors).toEqual([]);
    frames.push(...result.frames);
    pending = pending.subarray(result.next - next);
    next = result.next;
  }
  // The end of the file: the last frame no longer waits for the next header to confirm its size.
  if (layout !== 'need-more') {
    const result = readFrames(pending, next, layout, { file: 'f.pff', chunkOffset: next, final: true });
    expect(result.errors).toEqual([]);
    frames.push(...result.frames);
    next = result.next;
  }
  return { frames, next, layout };
}


describe('readFrames', () => {
  for (const dp of Object.values(DATA_PRODUCTS)) {
    it(`${dp.name}: encodeFrame then readFrames in random chunks gives back every frame`, () => {
      fc.assert(
        fc.property(fc.array(frameArb(dp), { minLength: 1, maxLength: 6 }), cutsArb, fc.nat(), (input, cuts, tailSeed) => {
          const encoded = input.map((f) => encodeFrame(f.header, f.pixels, dp));
          const frameSize = encoded[0]!.length;
          // A file the recorder is still writing: whole frames plus part of the next one.
          const tail = encodeFrame(input[0]!.header, input[0]!.pixels, dp).subarray(0, tailSeed % frameSize);
          const file = concatBytes([...encoded, tail]);
          const { frames, next, layout } = readIncrementally(split(file, cuts), dp);
          expect(layout).toMatchObject({ frameSize, pixelBytes: dp.rows * dp.cols * dp.bytesPerPixel });
          expect(next).toBe(input.length * frameSize);
          expect(frames).toHaveLength(input.length);
          frames.forEach((frame, i) => {
            expect(frame.index).toBe(i);
            expect(frame.offset).toBe(i * frameSize);
            expect(frame.header).toEqual(input[i]!.header);
            expect(Array.from(frame.pixels)).toEqual(input[i]!.pixels);
            expect(frame.raw).toEqual(encoded[i]);
          });
        }),
        { numRuns: 60 },
      );
    });
  }

  it('returns no frames and the same start while only a partial frame is there', () => {
    const dp = DATA_PRODUCTS.ph256;
    const frame = encodeFrame({ quabo_num: 1, pkt_num: 1, pkt_tai: 2, pkt_nsec: 3, tv_sec: 4, tv_usec: 5 }, new Array(256).fill(-1), dp);
    const layout = detectLayout(frame, dp, 'f.pff');
    if (layout === 'need-more') throw new Error('layout expected from a whole frame');
    for (const cut of [0, 1, 122, 123, 124, frame.length - 1]) {
      expect(readFrames(frame.subarray(0, cut), 0, layout, { file: 'f.pff' })).toEqual({ frames: [], next: 0, errors: [] });
    }
    const two = concatBytes([frame, frame.subarray(0, 10)]);
    const result = readFrames(two.subarray(frame.length - 4), frame.length, layout, { file: 'f.pff', chunkOffset: frame.length - 4 });
    expect(result).toEqual({ frames: [], next: frame.length, errors: [] });
    expect(() => readFrames(two, 0, layout, { file: 'f.pff', chunkOffset: 5 })).toThrow(/start 0 is before the chunk/);
  });
});
