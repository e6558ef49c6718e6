// The pulsing star (issue 17): its expected flux follows peak · (1 + depth · sin(2π f t)) at its
// fixed position, and bad options are refused naming the field.
import { MODULE_SIZE } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import { expectedSky, pulsarStar } from '../src/synth/sky-model.js';

describe('pulsarStar', () => {
  it('modulates the star’s expected counts at its frequency and depth, at a fixed position', () => {
    const sky = { background: 300, psfSigma: 0.9, stars: [pulsarStar({ frequencyHz: 30, x: 10.5, y: 20.5, peak: 1000, depth: 0.4 })], maxValue: 65_535 };
    const centre = 20 * MODULE_SIZE + 10;
    const f = 30;
    for (const [t, factor] of [[0, 1], [1 / (4 * f), 1.4], [3 / (4 * f), 0.6], [10 + 1 / (4 * f), 1.4]] as const) {
      expect(expectedSky(sky, t)[centre]! - 300).toBeCloseTo(1000 * factor, 6);
    }
  });

  it('refuses a frequency that is not positive and a depth outside 0-1', () => {
    expect(() => pulsarStar({ frequencyHz: 0 })).toThrow('pulsar frequencyHz must be a positive number, got 0');
    expect(() => pulsarStar({ frequencyHz: 30, depth: 1.5 })).toThrow('pulsar depth must be within 0-1, got 1.5');
    expect(pulsarStar({ frequencyHz: 30 })).toMatchObject({ x0: 16, y0: 16, vx: 0, vy: 0, pulse: { frequencyHz: 30, depth: 0.5 } });
  });
});
