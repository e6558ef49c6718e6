// Heat-map colour limits: robust by default (core's quantile limits, as `daq plot view` and
// `daq web`), so one bright star does not flatten the sky; checked on the spec and on the
// colours Vega really draws.
import { robustLimits } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { colourLimitsUse, heatmap, heatmapColourLimits, renderSvg } from '../src/index.js';

/** A faint 32x32 sky (0..199 ADC) with one bright star. */
const sky = (): { shape: number[]; pixels: Uint16Array } => {
  const pixels = Uint16Array.from({ length: 1024 }, (_, i) => (i * 37) % 200);
  pixels[5 * 32 + 7] = 60_000;
  return { shape: [32, 32], pixels };
};

type ColourScale = { domain?: number[]; clamp?: boolean };
const colourScale = (spec: object): ColourScale => (spec as { layer: { encoding: { color: { scale: ColourScale } } }[] }).layer[0]!.encoding.color.scale;

/** Distinct fill colours of the drawn pixel rectangles. */
async function drawnColours(spec: Parameters<typeof renderSvg>[0]): Promise<number> {
  const svg = await renderSvg(spec);
  const fills = [...svg.matchAll(/aria-roledescription="rect mark" d="[^"]*" fill="([^"]+)"/g)].map((m) => m[1]);
  expect(fills).toHaveLength(1024);
  return new Set(fills).size;
}

describe('heat-map colour limits', () => {
  it('are core robust limits of the image by default, clamped', () => {
    const image = sky();
    const limits = robustLimits([image.pixels])!;
    expect(heatmapColourLimits(image)).toEqual(limits);
    expect(limits.hi).toBeLessThan(200);
    expect(colourScale(heatmap(image))).toMatchObject({ domain: [limits.lo, limits.hi], clamp: true });
  });

  it('take explicit limits, or the full range with min-max', () => {
    const image = sky();
    expect(colourScale(heatmap(image, { limits: { lo: 10, hi: 20 } }))).toMatchObject({ domain: [10, 20], clamp: true });
    expect(heatmapColourLimits(image, { limits: 'min-max' })).toBeUndefined();
    expect(colourScale(heatmap(image, { limits: 'min-max' })).domain).toBeUndefined();
  });

  it('keep the faint sky readable next to a bright star, where min-max flattens it', async () => {
    const robust = await drawnColours(heatmap(sky()));
    const minMax = await drawnColours(heatmap(sky(), { limits: 'min-max' }));
    expect(robust).toBeGreaterThan(4 * minMax);
  });

  it('colourLimitsUse counts the pixels drawn in the end colours: with robust limits at most about 1 % below and 0.5 % above (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1024, maxLength: 1024 }), (values) => {
        const image = { shape: [32, 32], pixels: values };
        const use = colourLimitsUse(image);
        expect(use.pixels).toBe(1024);
        expect(use.below).toBe(values.filter((v) => v < use.limits!.lo).length);
        expect(use.above).toBe(values.filter((v) => v > use.limits!.hi).length);
        expect(use.below).toBeLessThanOrEqual(Math.ceil(0.01 * 1024) + 1);
        expect(use.above).toBeLessThanOrEqual(Math.ceil(0.005 * 1024) + 1);
        expect([use.min, use.max]).toEqual([Math.min(...values), Math.max(...values)]);
        expect(colourLimitsUse(image, { limits: 'min-max' })).toMatchObject({ limits: undefined, below: 0, above: 0 });
      }),
    );
  });
});
