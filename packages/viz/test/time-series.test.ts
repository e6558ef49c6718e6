import { describe, expect, it } from 'vitest';
import { eventRate } from '../src/time-series.js';

describe('eventRate', () => {
  it('turns event times into events per second per interval, empty intervals as zero', () => {
    const t0 = 1_700_000_000_000;
    const times = [t0 + 10, t0 + 20, t0 + 499, t0 + 1600, Number.NaN];
    expect(eventRate(times, 500)).toEqual([
      { time: t0, value: 6 },
      { time: t0 + 500, value: 0 },
      { time: t0 + 1000, value: 0 },
      { time: t0 + 1500, value: 2 },
    ]);
  });

  it('is empty without events and rejects a non-positive interval', () => {
    expect(eventRate([], 1000)).toEqual([]);
    expect(() => eventRate([1], 0)).toThrow(/interval 0 ms is not positive/);
  });
});
