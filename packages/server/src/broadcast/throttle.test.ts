import { describe, expect, it } from 'vitest';
import { decideThrottle } from './throttle.js';

describe('decideThrottle', () => {
  it('sends the first frame at once', () => {
    expect(decideThrottle(1000, null, 100, false)).toEqual({ action: 'send-now' });
  });
  it('sends at once when the interval has elapsed since the last send', () => {
    expect(decideThrottle(1100, 1000, 100, false)).toEqual({ action: 'send-now' });
    expect(decideThrottle(5000, 1000, 100, false)).toEqual({ action: 'send-now' });
  });
  it('schedules a sooner frame for the end of the interval', () => {
    expect(decideThrottle(1001, 1000, 100, false)).toEqual({ action: 'schedule', at: 1100 });
    expect(decideThrottle(1099.5, 1000, 100, false)).toEqual({ action: 'schedule', at: 1100 });
  });
  it('coalesces into an already scheduled send, whatever the time', () => {
    expect(decideThrottle(1050, 1000, 100, true)).toEqual({ action: 'coalesce' });
    expect(decideThrottle(9999, 1000, 100, true)).toEqual({ action: 'coalesce' });
  });
  it('never lets two sends be closer than the interval (simulated arrivals)', () => {
    const interval = 10;
    let last: number | null = null;
    let scheduledAt: number | null = null;
    const sends: number[] = [];
    // Frames every 3 ms for 200 ms; a scheduled send happens when its time comes.
    for (let t = 0; t <= 200; t += 1) {
      if (scheduledAt !== null && t >= scheduledAt) {
        sends.push(t);
        last = t;
        scheduledAt = null;
      }
      if (t % 3 !== 0) continue;
      const d = decideThrottle(t, last, interval, scheduledAt !== null);
      if (d.action === 'send-now') {
        sends.push(t);
        last = t;
      } else if (d.action === 'schedule') scheduledAt = d.at;
    }
    for (let i = 1; i < sends.length; i++) expect(sends[i]! - sends[i - 1]!).toBeGreaterThanOrEqual(interval);
    expect(sends.length).toBe(21); // 0, 10, 20, ..., 200: one per interval, none lost
  });
});
