// Re-synchronisation: a file of good frames with garbage, frames cut short (a truncated write),
// and headers one byte too long spliced in, read in random chunks the way a follower reads a
// growing file. Nothing corrupt comes out, every good frame that the damage does not touch
// comes out, and each run of bad bytes is reported once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DATA_PRODUCTS,
  detectLayout,
  encodeFrame,
  readFrames,
  scanFrames,
  type BadRun,
  type DataProductInfo,
  type EndPolicy,
  type FrameLayout,
  type PffError,
} from '../src/index.js';
import { concatBytes, cutsArb, frameArb, split } from './arbitraries.js';

type Piece = { kind: 'good' | 'garbage' | 'short' | 'long-header'; bytes: Uint8Array };

/** A frame whose header has one more space (after '{' or before the closing '}'): valid JSON, the wrong length. */
function longHeader(frame: Uint8Array, layout: { headerLength: number }, atStart: boolean): Uint8Array {
  const at = atStart ? 1 : layout.headerLength - 3;
  return concatBytes([frame.subarray(0, at), Uint8Array.of(0x20), frame.subarray(at)]);
}

function piecesArb(dp: DataProductInfo): fc.Arbitrary<Piece[]> {
  const frame = frameArb(dp).map((f) => encodeFrame(f.header, f.pixels, dp));
  const frameSize = 1 + dp.rows * dp.cols * dp.bytesPerPixel + 600;
  const good = frame.map((bytes): Piece[] => [{ kind: 'good', bytes }]);
  const garbage = fc.uint8Array({ minLength: 1, maxLength: 3 * frameSize }).map((bytes): Piece[] => [{ kind: 'garbage', bytes }]);
  // A frame cut anywhere (in its header or its pixels) and then a good frame: see "Residual risk"
  // in frame-scanner.ts for a cut frame followed by garbage of exactly the missing length.
  const short = fc.tuple(frame, fc.nat(), frame).map(([f, cut, next]): Piece[] => [
    { kind: 'short', bytes: f.subarray(0, 1 + (cut % (f.length - 1))) },
    { kind: 'good', bytes: next },
  ]);
  const long = fc.tuple(frame, fc.boolean()).map(([f, atStart]): Piece[] => {
    const headerLength = f.indexOf(0x2a); // '*' never occurs inside a header
    return [{ kind: 'long-header', bytes: longHeader(f, { headerLength }, atStart) }];
  });
  const middle = fc.array(fc.oneof({ weight: 3, arbitrary: good }, garbage, short, long), { maxLength: 8 });
  // Two good frames first (they give the layout), at least one good frame last.
  return fc.tuple(good, good, middle, fc.array(good, { minLength: 1, maxLength: 3 })).map(([a, b, m, end]) => [...a, ...b, ...m.flat(), ...end.flat()]);
}


interface Layout {
  file: Uint8Array;
  /** File offset of each piece. */
  offsets: number[];
}

function lay(pieces: Piece[]): Layout {
  const offsets: number[] = [];
  let at = 0;
  for (const p of pieces) {
    offsets.push(at);
    at += p.bytes.length;
  }
  return { file: concatBytes(pieces.map((p) => p.bytes)), offsets };
}

/** Feeds chunks to readFrames as a follower would (keeping only the bytes from `next`), then the end of the file. */
function readInChunks(chunks: Uint8Array[], layout: FrameLayout) {
  const frames: Array<{ offset: number; raw: Uint8Array }> = [];
  const errors: PffError[] = [];
  let pending: Uint8Array = new Uint8Array(0);
  let next = 0;
  let badRun: BadRun | undefined;
  const step = (chunk: Uint8Array, final: boolean) => {
    pending = concatBytes([pending, chunk]);
    const r = readFrames(pending, next, layout, { file: 'f.pff', chunkOffset: next, badRun, final });
    frames.push(...r.frames.map((f) => ({ offset: f.offset, raw: f.raw })));
    errors.push(...r.errors);
    pending = pending.subarray(r.next - next);
    next = r.next;
    badRun = r.badRun;
  };
  for (const chunk of chunks) step(chunk, false);
  step(new Uint8Array(0), true);
  return { frames, errors };
}

/** Offsets of the frames scanFrames accepts, fed in chunks with the given end policy and shape-only headers (the server follower's way). */
function scanInChunks(chunks: Uint8Array[], layout: FrameLayout, atEnd: EndPolicy): number[] {
  const offsets: number[] = [];
  let pending: Uint8Array = new Uint8Array(0);
  let next = 0;
  let badRun: BadRun | undefined;
  for (const chunk of chunks) {
    pending = concatBytes([pending, chunk]);
    const r = scanFrames(pending, layout, { file: 'f.pff', chunkOffset: next, start: next, badRun, atEnd, headers: 'shape' });
    offsets.push(...r.frames.map((f) => f.offset));
    pending = pending.subarray(r.next - next);
    next = r.next;
    badRun = r.badRun;
  }
  return offsets;
}

function layoutOf(bytes: Uint8Array, dp: DataProductInfo): FrameLayout {
  const layout = detectLayout(bytes, dp, 'f.pff');
  if (layout === 'need-more') throw new Error('two good frames give a layout');
  return layout;
}

describe('re-synchronising after bytes that are not frames', () => {
  for (const dp of Object.values(DATA_PRODUCTS)) {
    it(`${dp.name}: garbage, cut frames and long headers in random chunks: nothing corrupt, every undamaged frame in order, one report per bad run`, () => {
      fc.assert(
        fc.property(piecesArb(dp), cutsArb, (pieces, cuts) => {
          const { file, offsets } = lay(pieces);
          const layout = layoutOf(file, dp);
          const goodAt = new Map(pieces.flatMap((p, i) => (p.kind === 'good' ? [[offsets[i]!, p.bytes] as const] : [])));
          const { frames, errors } = readInChunks(split(file, cuts), layout);

          // Nothing corrupt: each frame is a good frame that was written there, byte for byte.
          for (const f of frames) expect(f.raw).toEqual(goodAt.get(f.offset));
          // In file order, never twice.
          const got = frames.map((f) => f.offset);
          expect(got).toEqual([...new Set(got)].sort((a, b) => a - b));
          // Every good frame followed by a good frame, or last, comes out: in particular every
          // good frame after the last bad byte.
          const expected = pieces.flatMap((p, i) => (p.kind === 'good' && (i === pieces.length - 1 || pieces[i + 1]!.kind === 'good') ? [offsets[i]!] : []));
          for (const o of expected) expect(got).toContain(o);
          // Each bad run reported once: runs do not overlap, and none covers a frame that came out.
          const runs = errors.map((e) => ({ start: e.offset, length: Number(/skipped (\d+) bytes/.exec(e.message)![1]) }));
          for (let i = 1; i < runs.length; i++) expect(runs[i]!.start).toBeGreaterThanOrEqual(runs[i - 1]!.start + runs[i - 1]!.length);
          for (const r of runs) expect(got.some((o) => o >= r.start && o < r.start + r.length)).toBe(false);
          if (pieces.every((p) => p.kind === 'good')) expect(errors).toEqual([]);
          else expect(errors.length).toBeGreaterThan(0);

          // The follower's way (take the newest frame at once, parse only what it delivers):
          // accepted offsets are good frames too.
          for (const o of scanInChunks(split(file, cuts), layout, 'take')) expect(goodAt.has(o)).toBe(true);
        }),
        { numRuns: dp.name === 'ph256' ? 150 : 60 },
      );
    });
  }

  it('reports 100 bytes of garbage once, with offset, length and where frames resume', () => {
    const dp = DATA_PRODUCTS.ph256;
    const frame = (i: number) => encodeFrame({ quabo_num: 1, pkt_num: i, pkt_tai: 2, pkt_nsec: 3, tv_sec: 4, tv_usec: 5 }, new Array(256).fill(i), dp);
    const garbage = Uint8Array.from({ length: 100 }, (_, i) => (i * 97 + 13) % 256);
    const size = frame(0).length;
    const file = concatBytes([frame(0), frame(1), frame(2), garbage, frame(3), frame(4)]);
    const result = readFrames(file, 0, layoutOf(file, dp), { file: 'f.pff', final: true });
    expect(result.frames.map((f) => f.header)).toEqual([0, 1, 3, 4].map((i) => expect.objectContaining({ pkt_num: i })));
    expect(result.errors.map((e) => e.message)).toEqual([
      `f.pff @ byte ${2 * size}: skipped ${size + 100} bytes of garbage at byte ${2 * size} (the next frame does not start at byte ${3 * size}: the frame is not ${size} bytes (header 123 + 1 + 512 pixel bytes of ph256)); re-synchronised at byte ${3 * size + 100}`,
    ]);
  });

  it('a run still open at the end of a chunk is carried to the next and reported once it ends', () => {
    const dp = DATA_PRODUCTS.ph256;
    const frame = encodeFrame({ quabo_num: 1, pkt_num: 7, pkt_tai: 2, pkt_nsec: 3, tv_sec: 4, tv_usec: 5 }, new Array(256).fill(3), dp);
    const layout = layoutOf(concatBytes([frame, frame]), dp);
    const garbage = new Uint8Array(5000).fill(0x7b); // every byte a '{'
    const whole = concatBytes([frame, frame, garbage, frame, frame]);
    const cut = 2 * frame.length + garbage.length;
    const first = readFrames(whole.subarray(0, cut), 0, layout, { file: 'f.pff' });
    expect(first.frames.map((f) => f.offset)).toEqual([0]);
    expect(first.errors).toEqual([]);
    expect(first.badRun).toMatchObject({ start: frame.length });
    const second = readFrames(whole.subarray(first.next), first.next, layout, { file: 'f.pff', chunkOffset: first.next, badRun: first.badRun, final: true });
    expect(second.frames.map((f) => f.offset)).toEqual([cut, cut + frame.length]);
    expect(second.errors.map((e) => e.message)).toEqual([expect.stringContaining(`skipped ${cut - frame.length} bytes of garbage at byte ${frame.length}`)]);
  });

  it('the newest frame at the end of the bytes: a short frame is refused when the next header lies in its pixels, held when the pixels end in the start of one', () => {
    const dp = DATA_PRODUCTS.img16;
    const q = { pkt_num: 1, pkt_tai: 2, pkt_nsec: 3, tv_sec: 4, tv_usec: 5 };
    const frame = (v: number) => encodeFrame({ quabo_0: q, quabo_1: q, quabo_2: q, quabo_3: q }, new Array(1024).fill(v), dp);
    const size = frame(0).length; // 2537
    const layout = layoutOf(concatBytes([frame(0), frame(0)]), dp);
    const scan = (bytes: Uint8Array, atEnd: EndPolicy) => scanFrames(bytes, layout, { file: 'f.pff', chunkOffset: 0, start: size, atEnd, headers: 'shape' });
    // Frame 1 has 1,024 pixel bytes instead of 2,048; the bytes end where a whole frame 1 would.
    const short = frame(1).subarray(0, size - 1024);
    const window = concatBytes([frame(0), short, frame(2)]).subarray(0, 2 * size);
    for (const atEnd of ['take', 'final'] as const) {
      const r = scan(window, atEnd);
      expect(r.frames).toEqual([]);
      // 'take' waits at the next header with the run open; 'final' reports the run as ending there.
      expect((r.badRun ?? r.skipped[0])?.problem.message).toMatch(/a frame header begins at byte 4050, inside this frame's pixels: the frame is not 2537 bytes/);
    }
    // Short by 10 bytes: the window ends in the first 10 bytes of the next header.
    const nearly = concatBytes([frame(0), frame(1).subarray(0, size - 10), frame(2)]).subarray(0, 2 * size);
    expect(scan(nearly, 'take')).toMatchObject({ frames: [], next: size });
    expect(scan(nearly, 'wait')).toMatchObject({ frames: [], next: size });
    // A whole frame at the end is taken at once.
    expect(scan(concatBytes([frame(0), frame(1)]), 'take').frames).toEqual([{ offset: size }]);
    expect(scan(concatBytes([frame(0), frame(1)]), 'wait').frames).toEqual([]);
  });
});
