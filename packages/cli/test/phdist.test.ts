import { describe, expect, it } from 'vitest';
import { renderPhdist } from '../src/plot/phdist-render.js';
import {
  bar,
  binEdges,
  binLabel,
  eventMaximum,
  histogram,
  PulseHeightEvents,
  valuesInWindow,
} from '../src/plot/pulse-height-distribution.js';

describe('pulse-height distribution', () => {
  it('an event is its maximum pixel (signed pixels included)', () => {
    expect(eventMaximum(Int16Array.from([-5, 3, 2000, -32768]))).toBe(2000);
    expect(eventMaximum(Int16Array.from([-5, -3]))).toBe(-3);
  });

  it('integer bins cover every value exactly once', () => {
    const values = [100, 101, 105, 120, 120, 139];
    const edges = binEdges(values, 4)!;
    expect(edges.start).toBe(100);
    expect(edges.width).toBe(10);
    const counts = histogram(values, edges);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(values.length);
    expect(counts).toEqual([3, 0, 2, 1]);
    expect(binLabel(edges, 2)).toBe('120-129');
    expect(binEdges([], 4)).toBeNull();
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
  });

  it('bars are proportional to the count, in eighths', () => {
    expect(bar(4, 4, 5)).toBe('█████');
    expect(bar(2, 4, 5)).toBe('██▌  ');
    expect(bar(0, 4, 3)).toBe('   ');
  });

  it('renders one block per module with a column per window', () => {
    const store = new PulseHeightEvents(600_000);
    const now = 1_000_000;
    const old = [100, 110, 120];
    const recent = [200, 200, 205];
    old.forEach((v, i) => store.add(4, { arrivalMs: now - 300_000 + i, maxPixel: v }));
    recent.forEach((v, i) => store.add(4, { arrivalMs: now - 5_000 + i, maxPixel: v }));
    const lines = renderPhdist(store, { columns: 120, rows: 40, nowMs: now, windowsS: [10, 60, 600], title: 'phdist', status: [] });
    const text = lines.join('\n');
    expect(text).toContain('M4');
    expect(text).toContain('10 s: 3 events');
    expect(text).toContain('1 min: 3 events');
    expect(text).toContain('10 min: 6 events');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(120);
    // The bin holding 200 has 2 events in every window; 100's bin only in the 10 min one.
    const edges = binEdges([...old, ...recent], 40 - 1 - 3)!;
    const row200 = lines.find((l) => l.trimStart().startsWith(`${binLabel(edges, Math.floor((200 - edges.start) / edges.width))} │`))!;
    expect(row200.split('│').slice(1).map((c) => c.trim().split(/\s+/).pop())).toEqual(['2', '2', '2']);
    const row100 = lines.find((l) => l.trimStart().startsWith(`${binLabel(edges, 0)} │`))!;
    expect(row100.split('│').slice(1).map((c) => c.trim().split(/\s+/).pop())).toEqual(['0', '0', '1']);
  });
});
