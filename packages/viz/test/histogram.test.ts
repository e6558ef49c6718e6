import { describe, expect, it } from 'vitest';
import { binValues, histogram } from '../src/histogram.js';

describe('binValues', () => {
  it('counts every finite value once, in round equal-width bins', () => {
    const values = [0, 1, 9, 10, 10, 19, 25, Number.NaN, Infinity];
    const bins = binValues(values, { binWidth: 10 });
    expect(bins).toEqual([
      { start: 0, end: 10, count: 3 },
      { start: 10, end: 20, count: 3 },
      { start: 20, end: 30, count: 1 },
    ]);
  });

  it('starts at a multiple of the width below the minimum and keeps the maximum in the last bin', () => {
    const bins = binValues([-7, 3, 20], { binWidth: 5 });
    expect(bins[0]!.start).toBe(-10);
    expect(bins.at(-1)!.start).toBe(20);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(3);
  });

  it('picks a 1-2-5 width near the requested bin count, never below 1', () => {
    const wide = binValues(Array.from({ length: 101 }, (_, i) => i * 10), { bins: 10 });
    expect(wide[0]!.end - wide[0]!.start).toBe(100);
    const narrow = binValues([1, 1.2, 1.4], { bins: 30 });
    expect(narrow[0]!.end - narrow[0]!.start).toBe(1);
  });

  it('is empty for no finite values and rejects a non-positive width', () => {
    expect(binValues([Number.NaN])).toEqual([]);
    expect(() => binValues([1, 2], { binWidth: 0 })).toThrow(/bin width 0 is not positive/);
  });
});

describe('histogram', () => {
  it('drops empty bins and tops the axis at the next power of ten on a log scale', () => {
    const spec = histogram([1, 1, 1, 50], { binWidth: 10, log: true }) as unknown as {
      data: { values: { count: number }[] };
      encoding: { y: { scale: { type: string; domain: number[] } } };
    };
    expect(spec.data.values.map((b) => b.count)).toEqual([3, 1]);
    expect(spec.encoding.y.scale.type).toBe('log');
    expect(spec.encoding.y.scale.domain[1]).toBe(10);
  });

  it('keeps empty bins on a linear scale', () => {
    const spec = histogram([1, 50], { binWidth: 10 }) as unknown as { data: { values: unknown[] } };
    expect(spec.data.values).toHaveLength(6); // 0-10 ... 50-60, four of them empty
  });
});
