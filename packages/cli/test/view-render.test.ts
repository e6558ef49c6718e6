import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHADES, viridis } from '../src/plot/colour-map.js';
import { formatRate, frameRate, level, robustLimits } from '@daqdata/core';
import { formatLimit, renderColourBar } from '../src/plot/colour-bar.js';
import { ModuleTracks, type ViewImage } from '../src/plot/module-track.js';
import { applyPageMove, keysOf, pageMove, PAGE_KEYS_HELP } from '../src/plot/page-keys.js';
import { chooseTileLayout } from '../src/plot/tile-layout.js';
import { frameTimeLabel, LABEL_LINES, MAP_GAP, NO_DATA_AFTER_MS, renderView } from '../src/plot/view-render.js';
import { ansiCells, stripAnsi } from './support/ansi-cells.js';

const WR_MS = 1_754_112_728_000;
const FILE = (m: number, dp: string) => `/data/obs_x/start_2025-08-02T05_31_36Z.dp_${dp}.bpp_2.module_${m}.seqno_0.pff`;

function movie(moduleId: number, f: (i: number) => number, frameNumber = 0, wrMs = WR_MS): ViewImage {
  return {
    type: 'movie',
    dataProduct: 'img16',
    moduleId,
    host: '127.0.0.1:50051',
    file: FILE(moduleId, 'img16'),
    frameNumber,
    shape: [32, 32],
    pixels: Uint16Array.from({ length: 1024 }, (_, i) => f(i)),
    quabo: undefined,
    time: { iso: '2025-08-02T05:32:08.985339000Z', wrSynchronised: true, wrUnixNs: BigInt(wrMs) * 1_000_000n },
  };
}

function event(moduleId: number, quabo: number, peak: number, frameNumber = 0): ViewImage {
  const pixels = new Int16Array(256).fill(10);
  pixels[8 * 16 + 8] = peak;
  return {
    type: 'pulse-height',
    dataProduct: 'ph256',
    moduleId,
    host: '127.0.0.1:50051',
    file: FILE(moduleId, 'ph256'),
    frameNumber,
    shape: [16, 16],
    pixels,
    quabo,
    time: { iso: '2025-08-02T05:32:09.000000001Z', wrSynchronised: false, wrUnixNs: null },
  };
}

const visibleWidth = (line: string) => [...stripAnsi(line)].length;
const layoutFor = (tiles: number, columns: number, rows: number, status = 0) =>
  chooseTileLayout({ tiles, baseWidth: 64, fixedWidth: MAP_GAP, baseMapHeight: 32, labelLines: LABEL_LINES, columns, rows, reservedLines: 2 + status });

describe('renderView', () => {
  it("keeps a module's maps side by side under one heading with its run, frame numbers, times and colours from the frame", () => {
    const tracks = new ModuleTracks();
    const frameA = movie(1, (i) => i % 97, 40);
    tracks.add(frameA, 1000);
    tracks.add(event(1, 2, 500, 7), 1600);
    tracks.add(movie(7, (i) => 1000 + (i % 13)), 1700);
    const { lines, pages } = renderView(tracks.list(), { columns: 160, rows: 50, mode: 'truecolor', nowMs: 2000, title: 'daq plot view', status: [] });
    const text = lines.map(stripAnsi);
    expect(pages).toBe(1);
    const layout = layoutFor(2, 160, 50);
    const s = layout.scale;
    // Both modules in one row: headings on line 1 at the tiles' left edges.
    expect(text[1]!.slice(0, layout.tileWidth)).toMatch(/^module 1 · 127\.0\.0\.1:50051 · run 2025-08-02T05_31_36Z/);
    expect(text[1]!.slice(layout.tileWidth + layout.gapColumns)).toMatch(/^module 7 /);
    const labelsAt = 2 + 16 * s;
    const phColumn = 32 * s + MAP_GAP;
    expect(text[labelsAt]!.slice(0, 32 * s)).toContain('movie img16 · frame 40');
    expect(text[labelsAt]!.slice(phColumn)).toMatch(/^pulse-height ph256 q2 · frame 7/);
    expect(text[labelsAt + 1]!.slice(0, 32 * s)).toContain(frameTimeLabel(frameA.time));
    expect(text[labelsAt + 1]!.slice(phColumn)).toContain(frameTimeLabel({ iso: '2025-08-02T05:32:09.000000001Z', wrSynchronised: false }));
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(160);

    // Pixel (r, c) of the movie map sits at text row 2 + floor(r * scale / 2), column c * scale.
    const limits = robustLimits([frameA.pixels])!;
    for (const [r, c] of [[0, 0], [0, 31], [17, 5], [31, 30]] as const) {
      const halfRow = r * s;
      const cell = ansiCells(lines[2 + Math.floor(halfRow / 2)]!)[c * s]!;
      const colour = `${halfRow % 2 === 0 ? 38 : 48};2;${viridis(level(frameA.pixels[r * 32 + c]!, limits)).join(';')}`;
      expect(halfRow % 2 === 0 ? cell.fg : cell.bg).toBe(colour);
    }
  });

  it('draws a colour bar under each map from its limits: low colour and value left, high right', () => {
    const tracks = new ModuleTracks();
    const frame = movie(2, (i) => 100 + ((i * 37) % 900));
    tracks.add(frame, 0);
    const { lines } = renderView(tracks.list(), { columns: 160, rows: 50, mode: 'truecolor', nowMs: 0, title: 't', status: [] });
    const s = layoutFor(1, 160, 50).scale;
    const barLine = lines[2 + 16 * s + 3]!;
    const limits = robustLimits([frame.pixels])!;
    const cells = ansiCells(barLine).slice(0, 32 * s);
    const text = cells.map((c) => c.char).join('');
    expect(text.startsWith(`${formatLimit(limits.lo)} `)).toBe(true);
    expect(text.endsWith(` ${formatLimit(limits.hi)}`)).toBe(true);
    const coloured = cells.filter((c) => c.bg !== '49');
    expect(coloured[0]!.bg).toBe(`48;2;${viridis(0).join(';')}`);
    expect(coloured[coloured.length - 1]!.bg).toBe(`48;2;${viridis(1).join(';')}`);
    expect(coloured.length).toBe(32 * s - formatLimit(limits.lo).length - formatLimit(limits.hi).length - 2);
  });

  it('a colour bar without colour is shading from light to dark, and says when there is no scale', () => {
    const bar = renderColourBar({ lo: 0, hi: 10 }, 12, 'none');
    expect([...bar].length).toBe(12);
    expect(bar.startsWith('0 ') && bar.endsWith(' 10')).toBe(true);
    const shades = [...bar.slice(2, -3)].map((c) => SHADES.indexOf(c as (typeof SHADES)[number]));
    expect(shades[0]).toBe(0);
    expect(shades[shades.length - 1]).toBe(SHADES.length - 1);
    for (let i = 1; i < shades.length; i++) expect(shades[i]!).toBeGreaterThanOrEqual(shades[i - 1]!);
    expect(renderColourBar(null, 20, 'truecolor')).toBe('no colour scale yet ');
  });

  it('draws a ph256 event only in its quadrant, outlined where it meets the empty quadrants', () => {
    const tracks = new ModuleTracks();
    tracks.add(event(3, 1, 900), 0); // quabo 1: upper right
    const { lines } = renderView(tracks.list(), { columns: 80, rows: 40, mode: 'truecolor', nowMs: 0, title: 't', status: [] });
    const s = layoutFor(1, 80, 40).scale;
    const phStart = 32 * s + MAP_GAP;
    const mapRows = lines.slice(2, 2 + 16 * s);
    for (const [y, line] of mapRows.entries()) {
      const cells = ansiCells(line).slice(phStart, phStart + 32 * s);
      for (const [x, cell] of cells.entries()) {
        const inQuadrant = y < 8 * s && x >= 16 * s;
        expect(cell.fg !== '39', `cell ${y},${x}`).toBe(inQuadrant);
        // The outline: the column left of the quadrant and the row under it.
        if (x === 16 * s - 1 && y < 8 * s) expect(cell.char).toBe('│');
        if (y === 8 * s && x >= 16 * s) expect(cell.char).toBe('─');
        if (y === 8 * s && x === 16 * s - 1) expect(cell.char).toBe('└');
        if (x < 16 * s - 1 && y !== 8 * s) expect(cell.char).toBe(' ');
      }
    }
  });

  it("shows the module's data rate from its frame numbers beside the display rate", () => {
    const tracks = new ModuleTracks();
    // The node sends one frame in four (every 200 ms) of a 20 fps module.
    for (let k = 0; k < 6; k++) tracks.add(movie(5, (i) => i, 4 * k, WR_MS + 200 * k), 10_000 + 200 * k);
    // The same frame again (a node resends its latest) is not a new frame.
    expect(tracks.add(movie(5, (i) => i, 20, WR_MS + 1000), 11_100)).toBe(false);
    const { lines } = renderView(tracks.list(), { columns: 160, rows: 50, mode: 'none', nowMs: 11_100, title: 't', status: [] });
    const s = layoutFor(1, 160, 50).scale;
    const rateLine = stripAnsi(lines[2 + 16 * s + 2]!);
    expect(rateLine.slice(0, 32 * s).trimEnd()).toBe(`data ${formatRate(20)} · shown ${formatRate(frameRate([10_000, 10_200, 10_400, 10_600, 10_800, 11_000], 11_100))}`);
    expect(rateLine).toContain('data 20.0 fps · shown 5.0 fps');
  });

  it('says a module sends no pulse-height data once it has sent movie frames for a while without any', () => {
    const tracks = new ModuleTracks();
    tracks.add(movie(3, (i) => i), 1000);
    const early = renderView(tracks.list(), { columns: 160, rows: 50, mode: 'none', nowMs: 1000 + NO_DATA_AFTER_MS - 1, title: 't', status: [] }).lines.join('\n');
    expect(early).toContain('waiting for pulse-height data');
    expect(early).not.toContain('sends no');
    const late = renderView(tracks.list(), { columns: 160, rows: 50, mode: 'none', nowMs: 1000 + NO_DATA_AFTER_MS + 2000, title: 't', status: [] }).lines.join('\n');
    expect(late).toContain('module 3 sends no pulse-height data');
    expect(late).toContain(`nothing in ${NO_DATA_AFTER_MS / 1000 + 2} s`);
    expect(late).not.toContain('waiting for');
  });

  it('pages through a 45-module array: each page a whole number of modules, keys on screen, page clamped', () => {
    const tracks = new ModuleTracks();
    for (let m = 1; m <= 45; m++) {
      tracks.add(movie(m, (i) => i + m), 0);
      tracks.add(event(m, m % 4, 100 + m), 0);
    }
    const layout = layoutFor(45, 160, 50);
    expect(layout.scale).toBe(1);
    const seen: number[] = [];
    for (let page = 0; page < layout.pages; page++) {
      const screen = renderView(tracks.list(), { columns: 160, rows: 50, mode: '256', nowMs: 0, title: 't', status: ['host x down'], page });
      expect(screen.page).toBe(page);
      expect(screen.pages).toBe(Math.ceil(45 / layout.perPage));
      expect(screen.lines.length).toBeLessThanOrEqual(50);
      for (const line of screen.lines) expect(visibleWidth(line)).toBeLessThanOrEqual(160);
      const text = screen.lines.map(stripAnsi);
      const headings = text.flatMap((l) => [...l.matchAll(/module (\d+) · /g)].map((m) => Number(m[1])));
      seen.push(...headings);
      // Each module's heading, movie label and pulse-height label sit in the same tile column.
      for (const id of headings) {
        const row = text.findIndex((l) => l.includes(`module ${id} · `));
        const col = text[row]!.indexOf(`module ${id} · `);
        const labels = text[row + 1 + 16 * layout.scale]!;
        expect(labels.slice(col)).toMatch(/^movie img16 · frame 0 +pulse-height ph256 q\d · frame 0/);
      }
      const footer = text.find((l) => l.startsWith('page '))!;
      expect(footer).toContain(`page ${page + 1} of ${screen.pages}`);
      expect(footer).toContain(PAGE_KEYS_HELP);
      expect(text[text.length - 1]).toContain('host x down');
    }
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    const beyond = renderView(tracks.list(), { columns: 160, rows: 50, mode: '256', nowMs: 0, title: 't', status: [], page: 99 });
    expect(beyond.page).toBe(beyond.pages - 1);
  });

  it('asks for a larger terminal when not even one module fits', () => {
    const tracks = new ModuleTracks();
    tracks.add(movie(1, (i) => i), 0);
    const { lines } = renderView(tracks.list(), { columns: 40, rows: 20, mode: 'none', nowMs: 0, title: 't', status: [] });
    expect(stripAnsi(lines.join('\n'))).toContain('enlarge the terminal to 66×23');
  });

  it('scales maps up when every module fits larger', () => {
    const small = layoutFor(1, 70, 30);
    const large = layoutFor(2, 300, 100);
    expect(small.scale).toBe(1);
    expect(large.scale).toBeGreaterThan(1);
    expect(large.perPage).toBeGreaterThanOrEqual(2);
    expect(large.pages).toBe(1);
    expect(large.perRow * large.tileWidth + (large.perRow - 1) * large.gapColumns).toBeLessThanOrEqual(300);
  });
});

describe('page keys', () => {
  it('n, space, PgDn and arrows move on; p, PgUp move back; other keys do nothing', () => {
    for (const k of ['n', ' ', '\x1b[6~', '\x1b[C', '\x1b[B']) expect(pageMove(k)).toEqual({ step: 1 });
    for (const k of ['p', '\x1b[5~', '\x1b[D', '\x1b[A']) expect(pageMove(k)).toEqual({ step: -1 });
    expect(pageMove('\x1b[H')).toEqual({ to: 'first' });
    expect(pageMove('\x1b[F')).toEqual({ to: 'last' });
    expect(pageMove('x')).toBeNull();
  });

  it('splits a chunk of keys typed quickly into its keys, escape sequences whole', () => {
    expect(keysOf('n\x1b[5~')).toEqual(['n', '\x1b[5~']);
    expect(keysOf('\x1b[6~\x1b[6~p\x1bOD q')).toEqual(['\x1b[6~', '\x1b[6~', 'p', '\x1bOD', ' ', 'q']);
    expect(keysOf('\x1b[1;5C')).toEqual(['\x1b[1;5C']);
    const keys = ['n', 'p', ' ', 'q', 'x', '\x1b[5~', '\x1b[6~', '\x1b[A', '\x1bOD', '\x1b[H', '\x1b[4~'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...keys), { maxLength: 20 }), (ks) => {
      expect(keysOf(ks.join(''))).toEqual(ks);
    }));
  });

  it('a page move always lands on a page that exists', () => {
    const move = fc.constantFrom(...['n', 'p', '\x1b[H', '\x1b[F', 'x'].map(pageMove));
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 100 }), fc.integer({ min: 1, max: 50 }), move, (page, pages, m) => {
        const next = applyPageMove(page, pages, m);
        return Number.isInteger(next) && next >= 0 && next < pages;
      }),
    );
  });
});

describe('frame rate', () => {
  it('counts intervals over the span of the recent window', () => {
    expect(frameRate([0, 100, 200, 300], 300)).toBeCloseTo(10);
    expect(frameRate([0], 10)).toBeNull();
    expect(frameRate([0, 1000], 20_000)).toBeNull();
  });
});
