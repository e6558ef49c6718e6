import { describe, expect, it } from 'vitest';
import { EveryFrameInterest } from './every-frame-interest.js';

describe('EveryFrameInterest', () => {
  it('wants what an active selection selects, and a released one for lingerMs more', () => {
    let now = 0;
    const interest = new EveryFrameInterest(1000, () => now);
    expect(interest.any()).toBe(false);
    const release = interest.register({ movie: false, pulseHeight: true, moduleIds: new Set([3]) });
    expect([interest.wants(3, 'pulse-height'), interest.wants(3, 'movie'), interest.wants(4, 'pulse-height')]).toEqual([true, false, false]);
    release();
    now = 999;
    expect(interest.wants(3, 'pulse-height')).toBe(true);
    now = 1000;
    expect(interest.wants(3, 'pulse-height')).toBe(false);
    expect(interest.any()).toBe(false);
  });

  it('keeps one lingering entry per distinct selection however many streams came and went', () => {
    const now = 0;
    const interest = new EveryFrameInterest(1000, () => now);
    for (let i = 0; i < 1000; i++) interest.register({ movie: true, pulseHeight: false, moduleIds: new Set([2, 1]) })();
    interest.register({ movie: true, pulseHeight: false, moduleIds: new Set([1, 2]) })();
    expect(interest.lingeringCount).toBe(1);
    expect(interest.wants(2, 'movie')).toBe(true);
  });
});
