import { quaboQuadrant } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import { greyIndex, shadeChar, viridis } from '../src/plot/colour-map.js';
import { chooseColourMode } from '../src/plot/colour-mode.js';
import { LOWER_HALF, renderHeatmap, UPPER_HALF } from '../src/plot/heatmap.js';
import { moduleField, type Grid } from '@daqdata/core';
import { level, quantileOfSorted, robustLimits } from '@daqdata/core';
import { ansiCells } from './support/ansi-cells.js';

function grid(rows: number, cols: number, f: (r: number, c: number) => number): Grid {
  const values = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = f(r, c);
  return { rows, cols, values };
}

const rgb = (t: number) => `38;2;${viridis(t).join(';')}`;
const rgbBg = (t: number) => `48;2;${viridis(t).join(';')}`;

describe('renderHeatmap', () => {
  it('truecolor: upper pixel as foreground, lower pixel as background of a half block', () => {
    const g = grid(4, 3, (r, c) => r * 3 + c);
    const limits = { lo: 0, hi: 11 };
    const lines = renderHeatmap(g, limits, { scale: 1, mode: 'truecolor' });
    expect(lines).toHaveLength(2);
    for (let y = 0; y < 2; y++) {
      const cells = ansiCells(lines[y]!);
      expect(cells).toHaveLength(3);
      for (let x = 0; x < 3; x++) {
        const upper = level(g.values[2 * y * 3 + x]!, limits);
        const lower = level(g.values[(2 * y + 1) * 3 + x]!, limits);
        expect(cells[x]).toEqual({ char: UPPER_HALF, fg: `38;2;${viridis(upper).join(';')}`, bg: rgbBg(lower) });
      }
      expect(lines[y]!.endsWith('\x1b[0m')).toBe(true);
    }
  });

  it('scale 2 repeats each pixel over two columns and two half rows', () => {
    const g = grid(2, 2, (r, c) => (r === c ? 10 : 0));
    const limits = { lo: 0, hi: 10 };
    const lines = renderHeatmap(g, limits, { scale: 2, mode: 'truecolor' });
    expect(lines).toHaveLength(2);
    for (let y = 0; y < 2; y++) {
      const cells = ansiCells(lines[y]!);
      expect(cells).toHaveLength(4);
      cells.forEach((cell, x) => {
        const t = level(g.values[y * 2 + Math.floor(x / 2)]!, limits);
        expect(cell).toEqual({ char: UPPER_HALF, fg: rgb(t), bg: rgbBg(t) });
      });
    }
  });

  it('missing pixels (NaN) keep the default colours; a lone lower pixel uses the lower half block', () => {
    const g: Grid = { rows: 2, cols: 3, values: Float64Array.from([NaN, 5, NaN, NaN, NaN, 5]) };
    const cells = ansiCells(renderHeatmap(g, { lo: 0, hi: 10 }, { scale: 1, mode: 'truecolor' })[0]!);
    expect(cells[0]).toEqual({ char: ' ', fg: '39', bg: '49' });
    expect(cells[1]).toEqual({ char: UPPER_HALF, fg: rgb(0.5), bg: '49' });
    expect(cells[2]).toEqual({ char: LOWER_HALF, fg: rgb(0.5), bg: '49' });
  });

  it('256-colour fallback uses the grey ramp', () => {
    const g = grid(2, 4, (r, c) => c * 10 + r * 5);
    const limits = { lo: 0, hi: 35 };
    const cells = ansiCells(renderHeatmap(g, limits, { scale: 1, mode: '256' })[0]!);
    cells.forEach((cell, x) => {
      expect(cell.fg).toBe(`38;5;${greyIndex(level(x * 10, limits))}`);
      expect(cell.bg).toBe(`48;5;${greyIndex(level(x * 10 + 5, limits))}`);
    });
  });

  it('no colour: plain shading characters of the brighter pixel, no escape sequences', () => {
    const g = grid(2, 5, (r, c) => (r === 0 ? c : 4 - c));
    const limits = { lo: 0, hi: 4 };
    const [line] = renderHeatmap(g, limits, { scale: 1, mode: 'none' });
    expect(line).not.toContain('\x1b');
    expect(line).toBe(Array.from({ length: 5 }, (_, c) => shadeChar(level(Math.max(c, 4 - c), limits))).join(''));
  });

  it('writes a colour sequence only where the colour changes', () => {
    const g = grid(2, 8, () => 3);
    const [line] = renderHeatmap(g, { lo: 0, hi: 6 }, { scale: 1, mode: 'truecolor' });
    expect(line!.match(/\x1b\[/g)).toHaveLength(2); // one colour set, one reset
  });
});

describe('colour limits', () => {
  it('quantiles interpolate between ranks', () => {
    const sorted = Float64Array.from({ length: 101 }, (_, i) => i * 2);
    expect(quantileOfSorted(sorted, 0.01)).toBeCloseTo(2);
    expect(quantileOfSorted(sorted, 0.995)).toBeCloseTo(199);
    expect(quantileOfSorted([4], 0.5)).toBe(4);
  });

  it('a hot pixel does not set the upper limit', () => {
    const frames = [0, 1, 2].map((k) => Float64Array.from({ length: 1024 }, (_, i) => 100 + ((i + k) % 50)));
    frames[1]![7] = 60000;
    const limits = robustLimits(frames)!;
    expect(limits.hi).toBeLessThan(200);
    expect(limits.lo).toBeGreaterThanOrEqual(100);
  });

  it('ignores missing pixels, widens a flat field, and has no limits without data', () => {
    expect(robustLimits([Float64Array.from([NaN, 7, 7, NaN])])).toEqual({ lo: 7, hi: 8 });
    expect(robustLimits([Float64Array.from([NaN])])).toBeNull();
    expect(robustLimits([])).toBeNull();
  });
});

describe('moduleField', () => {
  it('keeps a 32x32 frame as it is', () => {
    const pixels = Uint16Array.from({ length: 1024 }, (_, i) => i);
    const f = moduleField({ shape: [32, 32], pixels });
    expect(Array.from(f.values)).toEqual(Array.from(pixels));
  });

  it('places a ph256 event in its quabo quadrant (0 upper left, 1 upper right, 2 lower right, 3 lower left)', () => {
    const expected = [
      { row: 0, col: 0 },
      { row: 0, col: 16 },
      { row: 16, col: 16 },
      { row: 16, col: 0 },
    ];
    for (let quabo = 0; quabo < 4; quabo++) {
      expect(quaboQuadrant(quabo)).toEqual({ rowOffset: expected[quabo]!.row, colOffset: expected[quabo]!.col });
      const pixels = Int16Array.from({ length: 256 }, (_, i) => i + 1);
      const f = moduleField({ shape: [16, 16], pixels, quabo });
      const { row, col } = expected[quabo]!;
      const inside: number[] = [];
      for (let r = 0; r < 32; r++) {
        for (let c = 0; c < 32; c++) {
          const v = f.values[r * 32 + c]!;
          const mine = r >= row && r < row + 16 && c >= col && c < col + 16;
          if (mine) inside.push(v);
          else expect(v).toBeNaN();
        }
      }
      // Every quabo pixel lands exactly once in its quadrant.
      expect(inside.sort((a, b) => a - b)).toEqual(Array.from(pixels));
    }
  });

  it('undoes quabo 3 without rotation and quabo 0 with a quarter turn', () => {
    const pixels = new Int16Array(256);
    pixels[0 * 16 + 5] = 99; // quabo row 0, col 5
    const f3 = moduleField({ shape: [16, 16], pixels, quabo: 3 });
    expect(f3.values[16 * 32 + 5]).toBe(99);
    const f0 = moduleField({ shape: [16, 16], pixels, quabo: 0 });
    expect(f0.values[5 * 32 + 15]).toBe(99);
  });
});

describe('chooseColourMode', () => {
  it('follows --no-color, NO_COLOR, COLORTERM and the stream depth', () => {
    expect(chooseColourMode({ env: {}, colourDepth: 24, flag: false })).toBe('none');
    expect(chooseColourMode({ env: { NO_COLOR: '1', COLORTERM: 'truecolor' }, colourDepth: 24, flag: 'auto' })).toBe('none');
    expect(chooseColourMode({ env: { COLORTERM: 'truecolor' }, colourDepth: 8, flag: 'auto' })).toBe('truecolor');
    expect(chooseColourMode({ env: {}, colourDepth: 8, flag: 'auto' })).toBe('256');
    expect(chooseColourMode({ env: {}, colourDepth: undefined, flag: 'auto' })).toBe('none');
    expect(chooseColourMode({ env: { NO_COLOR: '1' }, colourDepth: 8, flag: 'truecolor' })).toBe('truecolor');
  });
});
