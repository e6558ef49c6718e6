// The recorder-socket byte stream decoder on its own: frames split anywhere come out whole and
// in order; a malformed frame is skipped, lost framing is found again, and a first frame that
// cannot teach the layout ends the connection. And the bound on a connection's problem lines.
import { DATA_PRODUCTS, type DataProduct } from '@daqdata/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProblemLogBudget } from '../src/ingest/problem-log-budget.js';
import { RecorderStreamDecoder, type RecorderFrame, type RecorderStreamProblem } from '../src/ingest/recorder-stream-decoder.js';
import { headerFor, pixelsFor } from './helpers.js';
import { concat, cutAt, recorderBytes, sentFramesArb, type SentFrame } from './recorder-frames.js';

function decodeAll(dp: DataProduct, chunks: readonly Uint8Array[], maxHeaderBytes = 4096): { frames: RecorderFrame[]; problems: RecorderStreamProblem[]; decoder: RecorderStreamDecoder } {
  const decoder = new RecorderStreamDecoder(DATA_PRODUCTS[dp], `uds_${dp}`, maxHeaderBytes);
  const frames: RecorderFrame[] = [];
  const problems: RecorderStreamProblem[] = [];
  for (const c of chunks) {
    const out = decoder.push(c);
    frames.push(...out.frames);
    problems.push(...out.problems);
  }
  return { frames, problems, decoder };
}

const asSent = (f: RecorderFrame): SentFrame => ({ moduleId: f.moduleId, header: f.header, pixels: [...f.pixels] });

describe('RecorderStreamDecoder', () => {
  for (const dp of ['img16', 'ph256', 'img8', 'ph1024'] as const) {
    it(`${dp}: frames split into random chunks come out identical, in order, numbered 0..n-1`, () => {
      fc.assert(
        fc.property(sentFramesArb(dp, 6), fc.array(fc.nat(), { maxLength: 20 }), (sent, cuts) => {
          const { frames, problems, decoder } = decodeAll(dp, cutAt(concat(sent.map((f) => recorderBytes(dp, f))), cuts));
          expect(problems).toEqual([]);
          expect(frames.map(asSent)).toEqual(sent);
          expect(frames.map((f) => f.index)).toEqual(sent.map((_, i) => i));
          expect(decoder.pendingBytes).toBe(0);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('finds the frames again after garbage between them, whatever the chunking', () => {
    const dp = 'img16';
    fc.assert(
      fc.property(
        sentFramesArb(dp, 5),
        // Garbage after frame k (never before the first frame, which teaches the layout).
        fc.array(fc.record({ after: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }), { maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (sent, garbage, cuts) => {
          const parts = sent.map((f) => [recorderBytes(dp, f)]);
          for (const g of garbage) parts[g.after % parts.length]!.push(g.bytes);
          const { frames, problems } = decodeAll(dp, cutAt(concat(parts.flat()), cuts));
          expect(frames.map(asSent)).toEqual(sent);
          expect(problems.every((p) => !p.fatal)).toBe(true);
          expect(problems.filter((p) => p.reason.startsWith('re-synchronised')).length).toBe(problems.filter((p) => p.reason.startsWith('frame delimiters')).length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('skips a frame whose header is bad but whose delimiters are in place, naming its offset; numbers stay consecutive', () => {
    const dp = 'ph256';
    const good = (n: number) => recorderBytes(dp, { moduleId: 3, header: headerFor(dp, n), pixels: pixelsFor(dp, n) });
    const bad = good(1);
    const text = Buffer.from(bad).toString('latin1');
    bad[text.indexOf('pkt_nsec') + 12] = 'x'.charCodeAt(0);
    const { frames, problems } = decodeAll(dp, [concat([good(0), bad, good(2)])]);
    expect(frames.map((f) => [f.index, f.header])).toEqual([
      [0, headerFor(dp, 0)],
      [1, headerFor(dp, 2)],
    ]);
    expect(problems).toEqual([{ offset: good(0).length, reason: 'malformed frame skipped: header is not valid JSON', fatal: false }]);
  });

  it('gives up on a connection whose first frame cannot teach the layout', () => {
    const dp = 'img16';
    const frame = recorderBytes(dp, { moduleId: 1, header: headerFor(dp, 0), pixels: pixelsFor(dp, 0) });
    const noBrace = frame.slice();
    noBrace[2] = 0x20;
    expect(decodeAll(dp, [noBrace]).problems).toEqual([{ offset: 2, reason: "first frame: header does not start with '{' (found byte 0x20)", fatal: true }]);
    // The wrong data product: a ph256 frame on the img16 socket.
    const ph = recorderBytes('ph256', { moduleId: 1, header: headerFor('ph256', 0), pixels: pixelsFor('ph256', 0) });
    const wrong = decodeAll(dp, [concat([ph, ph, ph, ph, ph, ph, ph, ph, ph])]);
    expect(wrong.problems).toMatchObject([{ fatal: true, reason: expect.stringMatching(/^first frame: img16 header needs quabo_0/) }]);
    // No end of header within the bound; nothing is decoded after a fatal problem.
    const long = decodeAll(dp, [frame.subarray(0, 300), frame.subarray(300)], 256);
    expect(long.problems).toEqual([{ offset: 2, reason: 'first frame: no end of header ("}\\n\\n") within 256 bytes', fatal: true }]);
    expect(long.decoder.push(frame)).toEqual({ frames: [], problems: [] });
    expect(long.decoder.pendingBytes).toBe(0);
  });

  it('holds at most one incomplete frame however much garbage arrives', () => {
    const dp = 'img16';
    const frame = recorderBytes(dp, { moduleId: 1, header: headerFor(dp, 0), pixels: pixelsFor(dp, 0) });
    const decoder = new RecorderStreamDecoder(DATA_PRODUCTS[dp], 'uds_img16', 4096);
    decoder.push(frame);
    for (let i = 0; i < 50; i++) {
      decoder.push(new Uint8Array(10_000).fill(0x41));
      expect(decoder.pendingBytes).toBeLessThan(frame.length);
    }
    expect(decoder.bytesSkipped).toBeGreaterThan(400_000);
    expect(decoder.push(concat([frame, frame])).frames.map((f) => f.index)).toEqual([1, 2]);
  });
});

describe('ProblemLogBudget', () => {
  it('logs up to the limit per window, then counts, and reports the count with the next line logged', () => {
    const budget = new ProblemLogBudget(2, 1000);
    expect([budget.take(0), budget.take(10), budget.take(20), budget.take(30)]).toEqual([{ log: true, suppressed: 0 }, { log: true, suppressed: 0 }, { log: false }, { log: false }]);
    expect(budget.pending).toBe(2);
    expect(budget.take(1000)).toEqual({ log: true, suppressed: 2 });
    expect(budget.pending).toBe(0);
  });
});
