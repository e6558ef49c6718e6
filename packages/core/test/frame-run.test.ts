// A run of frames as a node sends them (PffFrameRun) decodes to exactly what the core reader
// gives for the same bytes in a file, and a bad run or frame is named, never misread.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, PffError, decodeRunFrames, encodeFrame, formatDataFileName, frameRunLayout, readFrames, type RunFrame } from '../src/index.js';
import { concatBytes, frameArb } from './arbitraries.js';

const fileOf = (dp: keyof typeof DATA_PRODUCTS) => formatDataFileName({ start: '2025-08-02T05:31:36Z', dataProduct: dp, moduleId: 7, seqno: 0 });

describe('decodeRunFrames', () => {
  for (const dp of Object.values(DATA_PRODUCTS)) {
    it(`${dp.name}: any run of frames, any slice of it, is what readFrames reads from the same bytes`, () => {
      const file = fileOf(dp.name);
      fc.assert(
        fc.property(fc.array(frameArb(dp), { minLength: 1, maxLength: 9 }), fc.nat(), fc.nat(), fc.nat({ max: 1000 }), (frames, a, b, first) => {
          const bytes = concatBytes(frames.map((f) => encodeFrame(f.header, f.pixels, dp)));
          const layout = frameRunLayout(file, bytes, frames.length);
          if (layout instanceof PffError) throw layout;
          const from = a % frames.length;
          const to = from + (b % (frames.length - from + 1));
          const decoded = decodeRunFrames(bytes, layout, from, to, { file, firstFrameNumber: first });
          const read = readFrames(bytes, 0, layout, { file, final: true });
          expect(read.errors).toEqual([]);
          expect(decoded).toHaveLength(to - from);
          decoded.forEach((d, i) => {
            const r = read.frames[from + i]!;
            expect(d).not.toBeInstanceOf(PffError);
            expect((d as RunFrame).header).toEqual(r.header);
            expect(Array.from((d as RunFrame).pixels)).toEqual(Array.from(r.pixels));
            expect((d as RunFrame).pixels).toBeInstanceOf(r.pixels.constructor);
          });
        }),
        { numRuns: 60 },
      );
    });
  }

  it('a malformed frame is its error (file and the byte offset in the file), its neighbours decode', () => {
    const dp = DATA_PRODUCTS.ph256;
    const file = fileOf('ph256');
    const frames = fc.sample(frameArb(dp), { numRuns: 3, seed: 7 });
    const bytes = concatBytes(frames.map((f) => encodeFrame(f.header, f.pixels, dp)));
    const frameSize = bytes.length / 3;
    const layout = frameRunLayout(file, bytes, 3);
    if (layout instanceof PffError) throw layout;
    bytes[frameSize + layout.headerLength] = 0x41; // the middle frame's '*'
    const decoded = decodeRunFrames(bytes, layout, 0, 3, { file, firstFrameNumber: 10 });
    expect(decoded[1]).toBeInstanceOf(PffError);
    expect((decoded[1] as PffError).reason).toBe('bad-type-code');
    expect((decoded[1] as PffError).file).toBe(file);
    expect((decoded[1] as PffError).offset).toBe(11 * frameSize + layout.headerLength);
    expect(Array.from((decoded[0] as RunFrame).pixels)).toEqual(frames[0]!.pixels);
    expect(Array.from((decoded[2] as RunFrame).pixels)).toEqual(frames[2]!.pixels);
  });
});

describe('frameRunLayout', () => {
  const dp = DATA_PRODUCTS.img16;
  const file = fileOf('img16');
  const one = (() => {
    const [f] = fc.sample(frameArb(dp), { numRuns: 1, seed: 3 });
    return encodeFrame(f!.header, f!.pixels, dp);
  })();

  it('names a file that is not a PFF data file', () => {
    const layout = frameRunLayout('notes.txt', one, 1);
    expect(layout).toBeInstanceOf(PffError);
    expect((layout as PffError).reason).toBe('bad-file-name');
  });

  it('names bytes that are not the count of frames of one size', () => {
    expect((frameRunLayout(file, one, 2) as PffError).detail).toMatch(/not 2 frames of one size/);
    expect((frameRunLayout(file, one, 0) as PffError).reason).toBe('frame-size-mismatch');
    expect((frameRunLayout(file, concatBytes([one, one]), 2) as PffError).reason).toBeUndefined();
  });

  it('names a frame size with no room for a header before the pixels', () => {
    const layout = frameRunLayout(file, one.subarray(0, 2049), 1);
    expect(layout).toBeInstanceOf(PffError);
    expect((layout as PffError).detail).toMatch(/do not hold a header/);
  });
});
