import { describe, expect, it } from 'vitest';
import { viridis } from '../src/plot/colour-map.js';
import { formatRate, frameRate } from '@daqdata/core';
import { ModuleTracks, type ViewImage } from '../src/plot/module-track.js';
import { level, robustLimits } from '@daqdata/core';
import { chooseTileLayout } from '../src/plot/tile-layout.js';
import { frameTimeLabel, renderView } from '../src/plot/view-render.js';
import { ansiCells, stripAnsi } from './support/ansi-cells.js';

function movie(moduleId: number, f: (i: number) => number, iso = '2025-08-02T05:32:08.985339000Z'): ViewImage {
  return {
    type: 'movie',
    dataProduct: 'img16',
    moduleId,
    host: '127.0.0.1:50051',
    shape: [32, 32],
    pixels: Uint16Array.from({ length: 1024 }, (_, i) => f(i)),
    quabo: undefined,
    time: { iso, wrSynchronised: true },
  };
}

function event(moduleId: number, quabo: number, peak: number): ViewImage {
  const pixels = new Int16Array(256).fill(10);
  pixels[8 * 16 + 8] = peak;
  return {
    type: 'pulse-height',
    dataProduct: 'ph256',
    moduleId,
    host: '127.0.0.1:50051',
    shape: [16, 16],
    pixels,
    quabo,
    time: { iso: '2025-08-02T05:32:09.000000001Z', wrSynchronised: false },
  };
}

const visibleWidth = (line: string) => [...stripAnsi(line)].length;

describe('renderView', () => {
  it('labels each map with module id, product, frame time and rate, and colours it from the frame', () => {
    const tracks = new ModuleTracks();
    const frameA = movie(1, (i) => i % 97);
    tracks.add(frameA, 1000);
    tracks.add(movie(1, (i) => i % 97), 1500);
    tracks.add(event(1, 2, 500), 1600);
    tracks.add(movie(7, (i) => 1000 + (i % 13)), 1700);
    const lines = renderView(tracks.list(), { columns: 160, rows: 50, mode: 'truecolor', nowMs: 2000, title: 'daq plot view', status: [] });
    const text = lines.map(stripAnsi).join('\n');
    expect(text).toContain('M1 movie img16');
    expect(text).toContain('M1 pulse height ph256 q2');
    expect(text).toContain('M7 movie img16');
    expect(text).toContain('M7 pulse height');
    expect(text).toContain(frameTimeLabel(frameA.time));
    expect(text).toContain(frameTimeLabel({ iso: '2025-08-02T05:32:09.000000001Z', wrSynchronised: false }));
    // Module 1 movie: two frames 500 ms apart.
    expect(text).toContain(formatRate(frameRate([1000, 1500], 2000)));
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(160);

    // The first map starts on line 1, column 0; at the chosen scale pixel (r, c) sits at
    // text row floor(r * scale / 2), column c * scale.
    const layout = chooseTileLayout({ tiles: 4, baseWidth: 32, baseMapHeight: 32, labelLines: 3, columns: 160, rows: 50, reservedLines: 2 });
    const limits = robustLimits([frameA.pixels, frameA.pixels])!;
    const s = layout.scale;
    for (const [r, c] of [[0, 0], [0, 31], [17, 5], [31, 30]] as const) {
      const halfRow = r * s;
      const cell = ansiCells(lines[1 + Math.floor(halfRow / 2)]!)[c * s]!;
      const colour = `${halfRow % 2 === 0 ? 38 : 48};2;${viridis(level(frameA.pixels[r * 32 + c]!, limits)).join(';')}`;
      expect(halfRow % 2 === 0 ? cell.fg : cell.bg).toBe(colour);
    }
  });

  it('draws a ph256 event only in its quadrant', () => {
    const tracks = new ModuleTracks();
    tracks.add(event(3, 1, 900), 0); // quabo 1: upper right
    const lines = renderView(tracks.list(), { columns: 80, rows: 40, mode: 'truecolor', nowMs: 0, title: 't', status: [] });
    const layout = chooseTileLayout({ tiles: 2, baseWidth: 32, baseMapHeight: 32, labelLines: 3, columns: 80, rows: 40, reservedLines: 2 });
    const s = layout.scale;
    const phStart = layout.tileWidth + layout.gapColumns;
    const mapRows = lines.slice(1, 1 + 16 * s);
    for (const [y, line] of mapRows.entries()) {
      const cells = ansiCells(line).slice(phStart, phStart + 32 * s);
      const coloured = cells.map((cell, x) => ({ x, coloured: cell.fg !== '39' }));
      for (const { x, coloured: isColoured } of coloured) {
        // Upper half of the module (text rows < 8 s), right half (columns >= 16 s) only.
        expect(isColoured).toBe(y < 8 * s && x >= 16 * s);
      }
    }
  });

  it('shows as many maps as fit on a small terminal and says how many are hidden', () => {
    const tracks = new ModuleTracks();
    for (let m = 1; m <= 6; m++) tracks.add(movie(m, (i) => i), 0);
    const lines = renderView(tracks.list(), { columns: 70, rows: 24, mode: '256', nowMs: 0, title: 't', status: ['host x down'] });
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(70);
    const text = lines.map(stripAnsi).join('\n');
    expect(text).toContain('10 of 12 maps not shown');
    expect(text).toContain('host x down');
  });

  it('scales maps up when the terminal is large', () => {
    const small = chooseTileLayout({ tiles: 2, baseWidth: 32, baseMapHeight: 32, labelLines: 3, columns: 70, rows: 30, reservedLines: 2 });
    const large = chooseTileLayout({ tiles: 2, baseWidth: 32, baseMapHeight: 32, labelLines: 3, columns: 200, rows: 80, reservedLines: 2 });
    expect(small.scale).toBe(1);
    expect(large.scale).toBeGreaterThan(1);
    expect(large.shown).toBe(2);
    expect(2 * large.tileWidth + large.gapColumns).toBeLessThanOrEqual(200);
  });
});

describe('frame rate', () => {
  it('counts intervals over the span of the recent window', () => {
    expect(frameRate([0, 100, 200, 300], 300)).toBeCloseTo(10);
    expect(frameRate([0], 10)).toBeNull();
    expect(frameRate([0, 1000], 20_000)).toBeNull();
  });
});
