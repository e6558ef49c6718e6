import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventMaximum, histogram, logHeight } from '@daqdata/core';
import { barCell, barEighths, countAtRowTop, MAX_CHART_ROWS, renderHistogramChart, renderPhdist } from '../src/plot/phdist-render.js';
import { PAGE_KEYS_HELP } from '../src/plot/page-keys.js';
import { PulseHeightEvents, valuesInWindow } from '../src/plot/pulse-height-distribution.js';

describe('pulse-height distribution', () => {
  it('an event is its maximum pixel (signed pixels included)', () => {
    expect(eventMaximum(Int16Array.from([-5, 3, 2000, -32768]))).toBe(2000);
    expect(eventMaximum(Int16Array.from([-5, -3]))).toBe(-3);
  });

  it('windows select events by arrival time, and old events are dropped', () => {
    const store = new PulseHeightEvents(600_000);
    store.add(1, { arrivalMs: 0, maxPixel: 50 });
    store.add(1, { arrivalMs: 55_000, maxPixel: 60 });
    store.add(1, { arrivalMs: 58_000, maxPixel: 70 });
    expect(valuesInWindow(store.events(1), 60_000, 10_000)).toEqual([60, 70]);
    expect(valuesInWindow(store.events(1), 60_000, 60_000)).toEqual([60, 70]);
    expect(valuesInWindow(store.events(1), 59_999, 60_000)).toEqual([50, 60, 70]);
    store.add(1, { arrivalMs: 600_000, maxPixel: 80 });
    expect(store.events(1).map((e) => e.maxPixel)).toEqual([60, 70, 80]);
    // The same frame sent again is one event; another frame with the same maximum is another.
    expect(store.add(2, { arrivalMs: 1, maxPixel: 9, frame: 'f 1' })).toBe(true);
    expect(store.add(2, { arrivalMs: 2, maxPixel: 9, frame: 'f 1' })).toBe(false);
    expect(store.add(2, { arrivalMs: 3, maxPixel: 9, frame: 'f 2' })).toBe(true);
    expect(store.events(2)).toHaveLength(2);
  });

  it('bars are log heights in eighths; a bin with one event still shows', () => {
    expect(barEighths(1000, 1000, 4)).toBe(32);
    expect(barEighths(0, 1000, 4)).toBe(0);
    expect(barEighths(1, 1_000_000, 4)).toBeGreaterThanOrEqual(1);
    expect(barEighths(31, 1000, 4)).toBe(Math.round(logHeight(31, 1000) * 32));
    expect(barCell(12, 0)).toBe('█');
    expect(barCell(12, 1)).toBe('▄');
    expect(barCell(12, 2)).toBe(' ');
    expect(countAtRowTop(3, 999, 4)).toBe(999);
  });

  it('a bar reaches exactly its log height: the eighths drawn in its column sum to barEighths', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 20, max: 200 }), fc.integer({ min: 3, max: MAX_CHART_ROWS }), (values, columns, rows) => {
        const h = histogram(values, columns - 6)!;
        const lines = renderHistogramChart(h, columns, rows);
        expect(lines).toHaveLength(rows + 2);
        for (const l of lines) expect([...l].length).toBe(columns);
        const max = Math.max(...h.counts);
        const start = [...lines[0]!].indexOf('┤') + 1;
        const perBin = Math.max(1, Math.floor((columns - String(max).length - 2) / h.counts.length));
        h.counts.forEach((count, bin) => {
          const col = start + bin * perBin;
          const eighths = lines.slice(0, rows).reduce((sum, line) => sum + ' ▁▂▃▄▅▆▇█'.indexOf([...line][col]!), 0);
          expect(eighths).toBe(barEighths(count, max, rows));
        });
      }),
      { numRuns: 50 },
    );
  });

  it('renders one block per module: bins by terminal width, log counts, an ADC axis, event counts per window', () => {
    const store = new PulseHeightEvents(600_000);
    const now = 1_000_000;
    const old = [100, 110, 120];
    const recent = Array.from({ length: 200 }, (_, i) => 200 + (i % 7));
    old.forEach((v, i) => store.add(4, { arrivalMs: now - 300_000 + i, maxPixel: v }));
    recent.forEach((v, i) => store.add(4, { arrivalMs: now - 5_000 + i, maxPixel: v }));
    for (const columns of [80, 120]) {
      const { lines, pages } = renderPhdist(store, { columns, rows: 40, nowMs: now, windowsS: [10, 60, 600], title: 'phdist', status: [] });
      expect(pages).toBe(1);
      const text = lines.join('\n');
      expect(text).toContain('module 4 · event maximum, ADC · log counts · last 10 min');
      expect(lines.find((l) => l.startsWith('module 4'))!.length).toBeLessThanOrEqual(columns);
      expect(text).toContain('events 10 s: 200, 1 min: 200, 10 min: 203');
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(columns);
      // One bin per column: the values span 100..206, so 107 integer bins, or fewer, wider ones.
      const h = histogram([...old, ...recent], columns - String(203).length - 2)!;
      expect(text).toContain(`${h.counts.length} bins of ${(h.hi - h.lo) / h.counts.length} ADC`);
      expect(h.counts.length).toBeGreaterThan(columns / 3);
      const axis = lines.find((l) => l.includes('└'))!;
      expect(axis).toMatch(/└┬─/);
      const labels = lines[lines.indexOf(axis) + 1]!;
      expect(labels.trimStart().startsWith('100 ')).toBe(true);
      expect(labels.trimEnd().endsWith(`${h.hi} ADC`)).toBe(true);
      // The top count label is the tallest bin's count.
      expect(lines.find((l) => l.includes('┤'))!.trimStart().startsWith(`${Math.max(...h.counts)} ┤`)).toBe(true);
    }
  });

  it('pages modules that do not fit, with the keys on screen', () => {
    const store = new PulseHeightEvents(600_000);
    for (let m = 1; m <= 12; m++) store.add(m, { arrivalMs: 0, maxPixel: 100 + m });
    const first = renderPhdist(store, { columns: 100, rows: 30, nowMs: 1, windowsS: [10], title: 't', status: ['host y down'] });
    expect(first.pages).toBeGreaterThan(1);
    expect(first.lines.length).toBeLessThanOrEqual(30);
    expect(first.lines.join('\n')).toContain(PAGE_KEYS_HELP);
    const ids = (lines: string[]) => lines.flatMap((l) => [...l.matchAll(/^module (\d+) ·/g)].map((m) => Number(m[1])));
    const all: number[] = [];
    for (let page = 0; page < first.pages; page++) all.push(...ids(renderPhdist(store, { columns: 100, rows: 30, nowMs: 1, windowsS: [10], title: 't', status: ['host y down'], page }).lines));
    expect(all).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('says when a module has no events in the window', () => {
    const store = new PulseHeightEvents(10_000);
    store.add(2, { arrivalMs: 0, maxPixel: 5 });
    const { lines } = renderPhdist(store, { columns: 80, rows: 30, nowMs: 9_000, windowsS: [1, 5], title: 't', status: [] });
    expect(lines.join('\n')).toContain('no events in the last 5 s');
  });
});
