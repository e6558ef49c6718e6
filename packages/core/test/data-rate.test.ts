import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataRate, dataRateHistory, type FrameSample } from '../src/time/data-rate.js';

const sample = (frameNumber: number, timeMs: number, file = 'a.pff'): FrameSample => ({ file, frameNumber, timeMs });

describe('data rate history', () => {
  it('each part holds the rate between the samples that end in it', () => {
    // 20 fps for the first 30 s, 5 fps after, sampled every 500 ms.
    const samples: FrameSample[] = [];
    let frame = 0;
    for (let t = 0; t <= 60_000; t += 500) {
      samples.push(sample(frame, t));
      frame += t < 30_000 ? 10 : 2.5;
    }
    const rates = dataRateHistory(samples, 60_000, 30);
    expect(rates).toHaveLength(30);
    expect(rates[5]).toBeCloseTo(20);
    expect(rates[25]).toBeCloseTo(5);
    // The newest part agrees with the data rate a tile shows.
    expect(rates[29]).toBeCloseTo(dataRate(samples)!);
  });

  it('a new file, a clock step back or no samples leave a part empty, never negative', () => {
    expect(dataRateHistory([], 60_000, 4)).toEqual([null, null, null, null]);
    expect(dataRateHistory([sample(100, 59_000, 'a'), sample(0, 59_500, 'b')], 60_000, 4)).toEqual([null, null, null, null]);
    fc.assert(
      fc.property(
        fc.array(fc.record({ file: fc.constantFrom('a', 'b'), frameNumber: fc.nat(1e6), timeMs: fc.integer({ min: 0, max: 120_000 }) }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 90 }),
        (samples, buckets) => {
          const rates = dataRateHistory(samples, 60_000, buckets);
          expect(rates).toHaveLength(buckets);
          for (const r of rates) expect(r === null || (Number.isFinite(r) && r >= 0)).toBe(true);
        },
      ),
    );
  });
});
