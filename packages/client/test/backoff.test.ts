import { describe, expect, it } from 'vitest';
import { backoffDelayMs, reconnectOptions } from '../src/index.js';

describe('backoff', () => {
  const o = reconnectOptions({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 });

  it('grows exponentially up to the cap', () => {
    const noJitter = { ...o, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, noJitter))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitter randomises the top fraction only', () => {
    expect(backoffDelayMs(3, o, () => 0)).toBe(200);
    expect(backoffDelayMs(3, o, () => 0.999999)).toBe(400);
    expect(backoffDelayMs(3, o, () => 0.5)).toBe(300);
  });

  it('false switches reconnecting off; defaults are on', () => {
    expect(reconnectOptions(false).enabled).toBe(false);
    expect(reconnectOptions(undefined)).toMatchObject({ enabled: true, initialDelayMs: 100, maxDelayMs: 10_000 });
    expect(() => reconnectOptions({ initialDelayMs: 10, maxDelayMs: 5 })).toThrow('reconnect.maxDelayMs must be >= initialDelayMs (10), got 5');
  });
});
