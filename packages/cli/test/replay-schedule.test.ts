// `daq replay`'s cadence (its test moved here when the record format moved into core).
import { describe, expect, it } from 'vitest';
import { parseSpeed, replayDueMs } from '../src/record/replay-schedule.js';

describe('replay cadence', () => {
  it('is the recorded spacing divided by the speed; speed 0 never waits', () => {
    expect(replayDueMs(1000, 1500, 1)).toBe(500);
    expect(replayDueMs(1000, 1500, 2)).toBe(250);
    expect(replayDueMs(1000, 1500, 0)).toBe(0);
    expect(replayDueMs(1000, 900, 1)).toBe(0);
  });

  it('--speed must be a non-negative number', () => {
    expect(parseSpeed('2.5')).toBe(2.5);
    expect(() => parseSpeed('-1')).toThrow('--speed: "-1" is not a non-negative number');
    expect(() => parseSpeed('fast')).toThrow('--speed: "fast" is not a non-negative number');
  });
});
