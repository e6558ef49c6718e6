// The page's pure view state: histogram bins hold every value once, in the bin that covers
// it, with log bar heights; the data rate is frames over frame time in the newest file; a
// module is quiet after 10 typical gaps (at least 5 s).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataRate, isQuiet } from '@daqdata/core/browser';
import { eventMaximum, histogram, logHeight } from '@daqdata/core/browser';
import { KindTrack } from '../src/model/tile-track.js';

describe('pulse-height histogram', () => {
  it('every value counted once, in the integer-width bin covering it; at most maxBins bins', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 100 }), (values, maxBins) => {
        const h = histogram(values, maxBins)!;
        expect(h.counts.length).toBeLessThanOrEqual(maxBins);
        expect(h.total).toBe(values.length);
        expect(h.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
        const width = (h.hi - h.lo) / h.counts.length;
        expect(Number.isInteger(width) && width >= 1).toBe(true);
        for (const v of values) expect(v >= h.lo && v < h.hi).toBe(true);
        for (const [i, c] of h.counts.entries()) expect(c).toBe(values.filter((v) => v >= h.lo + i * width && v < h.lo + (i + 1) * width).length);
      }),
    );
    expect(histogram([], 10)).toBeNull();
  });

  it('log heights: 0 for none, 1 for the tallest, log10(1+c) in between', () => {
    expect(logHeight(0, 100)).toBe(0);
    expect(logHeight(100, 100)).toBe(1);
    expect(logHeight(9, 99)).toBeCloseTo(0.5, 12);
    expect(eventMaximum(Int16Array.from([-5, 300, 2]))).toBe(300);
  });
});

describe('rates and quiet modules', () => {
  it('data rate: frame-number steps over frame time, in the newest file only', () => {
    const samples = [
      { file: 'a', frameNumber: 0, timeMs: 0 },
      { file: 'b', frameNumber: 100, timeMs: 1000 },
      { file: 'b', frameNumber: 300, timeMs: 2000 },
      { file: 'b', frameNumber: 500, timeMs: 3000 },
    ];
    expect(dataRate(samples)).toBe(200);
    expect(dataRate(samples.slice(0, 2))).toBeNull();
  });

  it('quiet after max(5 s, 10 median gaps) without an image', () => {
    const every100 = Array.from({ length: 20 }, (_, i) => i * 100);
    expect(isQuiet(every100, 1900 + 5000)).toBe(false);
    expect(isQuiet(every100, 1900 + 5001)).toBe(true);
    const every2s = Array.from({ length: 5 }, (_, i) => i * 2000);
    expect(isQuiet(every2s, 8000 + 20_000)).toBe(false);
    expect(isQuiet(every2s, 8000 + 20_001)).toBe(true);
    expect(isQuiet([], 1e9)).toBe(false);
  });
});

describe('tile track', () => {
  it('a frame sent again is not taken in twice: the histogram counts each event once', () => {
    const track = new KindTrack();
    const event = (frameNumber: number, peak: number) => ({
      kind: 'pulse-height' as const, dataProduct: 'ph256', host: 'h', moduleId: 1, file: 'f', frameNumber, rows: 16, cols: 16, quabo: 0,
      pixels: Int16Array.from({ length: 256 }, (_, i) => (i === 0 ? peak : 0)), wrUnixNs: null, wrSynchronised: false, iso: null, nodeSentMs: null,
    });
    expect(track.add(event(1, 500), 0)).toBe(true);
    expect(track.add(event(1, 500), 50)).toBe(false);
    expect(track.add(event(2, 700), 100)).toBe(true);
    expect(track.maxima).toEqual([500, 700]);
    expect(track.samples.map((s) => s.frameNumber)).toEqual([1, 2]);
  });
});
