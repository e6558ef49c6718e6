// ROI model: validation names the ROI and the rule; stats equal a brute-force reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ROIS, MAX_ROI_NAME_LENGTH, foldLightCurve, formatRoiProblem, parseRoiRect, roiSetProblem, roiStats, strongestFrequency, type PsenRect } from '../src/index.js';

/** The definition, pixel by pixel: independent of roiStats' loops. */
function reference(pixels: number[], side: number, rect: PsenRect, background?: PsenRect) {
  const [ox, sx, oy, sy] = rect;
  const inRect = (r: PsenRect, row: number, col: number) => col >= r[0] && col < r[0] + r[1] && row >= r[2] && row < r[2] + r[3];
  const inside: Array<{ row: number; col: number; v: number }> = [];
  const bg: number[] = [];
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const v = pixels[row * side + col]!;
      if (inRect(rect, row, col)) inside.push({ row, col, v });
      if (background && inRect(background, row, col)) bg.push(v);
    }
  }
  const sum = inside.reduce((a, p) => a + p.v, 0);
  const profileX = Array.from({ length: sx }, (_, i) => inside.filter((p) => p.col === ox + i).reduce((a, p) => a + p.v, 0));
  const profileY = Array.from({ length: sy }, (_, i) => inside.filter((p) => p.row === oy + i).reduce((a, p) => a + p.v, 0));
  const bgMean = bg.length ? bg.reduce((a, v) => a + v, 0) / bg.length : 0;
  return {
    sum,
    mean: sum / inside.length,
    max: Math.max(...inside.map((p) => p.v)),
    pixels: inside.length,
    profileX,
    profileY,
    signal: sum - bgMean * inside.length,
  };
}

const rectArb = (side: number): fc.Arbitrary<PsenRect> =>
  fc
    .tuple(fc.integer({ min: 0, max: side - 1 }), fc.integer({ min: 0, max: side - 1 }))
    .chain(([ox, oy]) => fc.tuple(fc.constant(ox), fc.integer({ min: 1, max: side - ox }), fc.constant(oy), fc.integer({ min: 1, max: side - oy })));

describe('roiStats', () => {
  for (const side of [16, 32]) {
    it(`equals the brute-force reference on any ${side}×${side} image, ROI and background`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: -0x8000, max: 0xffff }), { minLength: side * side, maxLength: side * side }),
          rectArb(side),
          fc.option(rectArb(side), { nil: undefined }),
          (pixels, rect, background) => {
            const got = roiStats(pixels, side, { rect, background });
            const want = reference(pixels, side, rect, background);
            expect({ ...got, signal: 0 }).toEqual({ ...want, signal: 0 });
            expect(got.signal).toBeCloseTo(want.signal, 6);
          },
        ),
      );
    });
  }

  // Pixel value = row * 100 + col: every number below is worked out by hand.
  const side = 32;
  const image = Array.from({ length: side * side }, (_, i) => Math.floor(i / side) * 100 + (i % side));

  it('one pixel at each corner', () => {
    expect(roiStats(image, side, { rect: [0, 1, 0, 1] })).toEqual({ sum: 0, mean: 0, max: 0, pixels: 1, profileX: [0], profileY: [0], signal: 0 });
    expect(roiStats(image, side, { rect: [31, 1, 0, 1] }).sum).toBe(31);
    expect(roiStats(image, side, { rect: [0, 1, 31, 1] }).sum).toBe(3100);
    expect(roiStats(image, side, { rect: [31, 1, 31, 1] })).toEqual({ sum: 3131, mean: 3131, max: 3131, pixels: 1, profileX: [3131], profileY: [3131], signal: 3131 });
  });

  it('a 2×2 corner ROI with a background elsewhere', () => {
    // Pixels 3030, 3031, 3130, 3131; background [0,2,0,1] = 0 and 1, mean 0.5.
    const s = roiStats(image, side, { rect: [30, 2, 30, 2], background: [0, 2, 0, 1] });
    expect(s).toEqual({ sum: 12_322, mean: 3080.5, max: 3131, pixels: 4, profileX: [6160, 6162], profileY: [6061, 6261], signal: 12_322 - 0.5 * 4 });
  });

  it('the full image', () => {
    const s = roiStats(image, side, { rect: [0, 32, 0, 32] });
    // Σ rows: 32 · 100 · (0+…+31) = 1,587,200; Σ cols: 32 · (0+…+31) = 15,872.
    expect(s.sum).toBe(1_603_072);
    expect(s.pixels).toBe(1024);
    expect(s.max).toBe(3131);
    expect(s.mean).toBe(1_603_072 / 1024);
    expect(s.profileX[0]).toBe(49_600); // 100 · 496
    expect(s.profileY[1]).toBe(3200 + 496);
  });
});

describe('roiSetProblem', () => {
  it('accepts ROIs inside the image, up to the edges', () => {
    expect(roiSetProblem([{ name: 'a', rect: [0, 32, 0, 32] }, { name: 'b', rect: [15, 1, 15, 1], background: [0, 16, 0, 16] }])).toBeNull();
    expect(roiSetProblem([{ name: 'a', rect: [0, 16, 0, 16] }], 16, 16)).toBeNull();
  });

  it.each([
    [[-1, 2, 0, 2], 'offset_x -1 is negative'],
    [[0, 2, -3, 2], 'offset_y -3 is negative'],
    [[0, 0, 0, 2], 'size_x 0 is below 1'],
    [[0, 2, 0, 0], 'size_y 0 is below 1'],
    [[31, 2, 0, 2], 'beyond the image\'s 32 columns'],
    [[0, 2, 30, 3], 'beyond the image\'s 32 rows'],
    [[0.5, 2, 0, 2], 'offset_x 0.5 is not an integer'],
  ] as Array<[PsenRect, string]>)('refuses %j naming the ROI and the rule', (rect, rule) => {
    const p = roiSetProblem([{ name: 'ok', rect: [0, 1, 0, 1] }, { name: 'star', rect }]);
    expect(p).toMatchObject({ roi: 'star', part: 'rect' });
    expect(formatRoiProblem(p!)).toContain('ROI "star": ');
    expect(formatRoiProblem(p!)).toContain(rule);
  });

  it('refuses a background outside the image, naming it', () => {
    const p = roiSetProblem([{ name: 'sky', rect: [0, 4, 0, 4], background: [10, 4, 14, 4] }], 16, 16);
    expect(formatRoiProblem(p!)).toBe('ROI "sky" background: offset_y 14 + size_y 4 = 18 is beyond the image\'s 16 rows (must be inside the image)');
  });

  it('bounds the count and the name, and refuses duplicate and empty names', () => {
    const many = Array.from({ length: MAX_ROIS + 1 }, (_, i) => ({ name: `r${i}`, rect: [0, 1, 0, 1] as PsenRect }));
    expect(roiSetProblem(many)?.rule).toBe(`${MAX_ROIS + 1} ROIs given; at most ${MAX_ROIS} are allowed`);
    expect(roiSetProblem([])?.part).toBe('count');
    expect(roiSetProblem([{ name: 'x'.repeat(MAX_ROI_NAME_LENGTH + 1), rect: [0, 1, 0, 1] }])?.rule).toContain(`at most ${MAX_ROI_NAME_LENGTH}`);
    expect(roiSetProblem([{ name: 'a', rect: [0, 1, 0, 1] }, { name: 'a', rect: [1, 1, 0, 1] }])).toMatchObject({ roi: 'a', rule: 'the name is given twice' });
    expect(roiSetProblem([{ name: '', rect: [0, 1, 0, 1] }])).toMatchObject({ roi: '#0', part: 'name' });
  });

  it('any rectangle: accepted exactly when offsets ≥ 0, sizes ≥ 1 and inside', () => {
    fc.assert(
      fc.property(fc.tuple(fc.integer({ min: -4, max: 40 }), fc.integer({ min: -4, max: 40 }), fc.integer({ min: -4, max: 40 }), fc.integer({ min: -4, max: 40 })), (rect) => {
        const [ox, sx, oy, sy] = rect;
        const fits = ox >= 0 && oy >= 0 && sx >= 1 && sy >= 1 && ox + sx <= 32 && oy + sy <= 32;
        expect(roiSetProblem([{ name: 'r', rect }]) === null).toBe(fits);
      }),
    );
  });
});

describe('parseRoiRect', () => {
  it('reads psen order and refuses anything else', () => {
    expect(parseRoiRect('1, 2,3,4')).toEqual([1, 2, 3, 4]);
    expect(() => parseRoiRect('1,2,3')).toThrow('"1,2,3" is not offset_x,size_x,offset_y,size_y');
    expect(() => parseRoiRect('1,2,x,4')).toThrow('is not offset_x');
  });
});

describe('light curves', () => {
  it('strongestFrequency recovers a noisy sinusoid’s frequency (10 cycles or more) far inside the resolution of 0.5 Hz', () => {
    fc.assert(
      fc.property(fc.double({ min: 5, max: 200, noNaN: true }), fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), fc.integer({ min: 1, max: 1000 }), (f, phase, seed) => {
        let state = seed;
        const noise = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.4;
        const t = Array.from({ length: 2000 }, (_, i) => i / 1000);
        const y = t.map((s) => 100 + Math.sin(2 * Math.PI * f * s + phase) + noise());
        // At 10 cycles the sinusoid's mirror (negative-frequency) component pulls the peak by up to
        // 0.008 Hz without noise (f = 5 Hz, phase 0), and the noise adds a few thousandths: 0.03 Hz
        // is still far inside the 0.5 Hz resolution and the 0.1 Hz the pulsar check needs.
        expect(Math.abs(strongestFrequency(t, y, { minHz: 1, maxHz: 400 }).frequencyHz - f)).toBeLessThan(0.03);
      }),
      { numRuns: 20 },
    );
  });

  it('foldLightCurve averages per phase bin', () => {
    const t = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75];
    const y = [1, 2, 3, 4, 3, 4, 5, 6];
    expect(foldLightCurve(t, y, 1, 4)).toEqual([2, 3, 4, 5]);
    expect(foldLightCurve([0], [7], 1, 2)).toEqual([7, NaN]);
    expect(() => foldLightCurve(t, y, 1, 0)).toThrow('bins must be an integer');
  });

  it('refuses curves it cannot search', () => {
    expect(() => strongestFrequency([0, 1], [1, 2], { minHz: 1, maxHz: 2 })).toThrow('at least 3 points');
    expect(() => strongestFrequency([0, 1, 2], [1, 2, 3], { minHz: 2, maxHz: 1 })).toThrow('is empty');
  });
});
