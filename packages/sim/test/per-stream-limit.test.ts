// frame_limit over any timeline: each module/product keeps its first `limit` frames, in order,
// and the timeline ends as soon as every expected stream has them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limitPerStream, streamKey } from '../src/schedule/per-stream-limit.js';
import type { TimedFrame } from '../src/schedule/timed-frame.js';

const frame = fc.record({ moduleId: fc.integer({ min: 0, max: 3 }), dataProduct: fc.constantFrom('img16' as const, 'ph256' as const) });

async function* timeline(frames: Array<Pick<TimedFrame, 'moduleId' | 'dataProduct'>>, pulled: { n: number }): AsyncGenerator<TimedFrame> {
  for (const [i, f] of frames.entries()) {
    pulled.n++;
    yield { ...f, offsetNs: BigInt(i), bytes: new Uint8Array([i & 0xff]) };
  }
}

describe('limitPerStream', () => {
  it('keeps each stream\'s first `limit` frames in order, and stops pulling once every expected stream is complete', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), async (frames, limit, oneNeverComes) => {
        // A stream that never comes keeps the timeline going to its end.
        const expected = new Set([...frames.map(streamKey), ...(oneNeverComes ? ['9/img8'] : [])]);
        const pulled = { n: 0 };
        const out: TimedFrame[] = [];
        for await (const f of limitPerStream(timeline(frames, pulled), limit, expected)) out.push(f);
        // What a plain filter keeps, up to the frame that completes the last stream.
        const counts = new Map<string, number>();
        const kept = frames.map((f, i) => ({ ...f, i })).filter((f) => {
          const n = counts.get(streamKey(f)) ?? 0;
          counts.set(streamKey(f), n + 1);
          return n < limit;
        });
        const complete = [...expected].every((k) => (counts.get(k) ?? 0) >= limit);
        const lastNeeded = complete ? Math.max(-1, ...[...expected].map((k) => kept.filter((f) => streamKey(f) === k)[limit - 1]!.i)) : frames.length - 1;
        expect(out.map((f) => Number(f.offsetNs))).toEqual(kept.filter((f) => f.i <= lastNeeded).map((f) => f.i));
        expect(pulled.n).toBe(lastNeeded + 1);
      }),
    );
  });

  it('refuses a limit that is not a positive integer', async () => {
    await expect(limitPerStream(timeline([], { n: 0 }), 0, new Set(['1/img16'])).next()).rejects.toThrow(/frame limit must be a positive integer, got 0/);
  });
});
