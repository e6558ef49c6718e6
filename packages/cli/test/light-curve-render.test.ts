// `daq plot lightcurve`'s store and screen: binning over the window, sparkline scaling, one row
// per node, module and ROI; and the command refuses ROIs as `daq roi` does.
import type { RoiRecord } from '@daqdata/client';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { LightCurves, binned, renderLightCurves, sparkline } from '../src/plot/light-curve-render.js';
import { runCli } from './support/cli-process.js';

const stats = (sum: number) => ({ sum, mean: sum / 4, max: sum, pixels: 4, profileX: [], profileY: [], signal: sum - 1 });
const record = (moduleId: number, sums: Record<string, number | null>): RoiRecord => ({
  host: 'h:1',
  moduleId,
  type: 'movie',
  sequence: 1,
  incarnation: 'i',
  file: 'f',
  frameNumber: 0,
  time: null,
  rois: Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v === null ? null : stats(v)])),
});

describe('light curves', () => {
  it('bins points by time over the window (mean per bin, null where empty)', () => {
    const points = [0, 100, 250, 900, 950].map((atMs, i) => ({ atMs: 1000 + atMs, value: i + 1 }));
    expect(binned(points, 2000, 1000, 4)).toEqual([1.5, 3, null, 4.5]);
  });

  it('scales a sparkline to its own range, a space for an empty bin', () => {
    expect(sparkline([0, 7, null, 3.5])).toBe('▁█ ▅');
    expect(sparkline([5, 5])).toBe('▄▄');
    expect(sparkline([null, null])).toBe('  ');
  });

  it('draws one row per node, module and ROI with the statistic asked for, and forgets what left the window', () => {
    const curves = new LightCurves(1000, 'signal');
    for (let k = 0; k < 10; k++) curves.add(record(1, { star: k * 10, off: null }), 1000 + k * 100);
    curves.add(record(2, { star: 5 }), 1950);
    const lines = renderLightCurves(curves, { columns: 80, rows: 10, nowMs: 2000, windowMs: 1000, stat: 'signal', title: 'T', status: ['host x reconnecting'] }).map((l) => l.trimEnd());
    expect(lines[0]).toBe('T');
    expect(lines[1]).toMatch(/^h:1 M1 star .*▁.*█.* signal 89 \[-1…89\]$/);
    expect(lines[2]).toMatch(/^h:1 M2 star .* signal 4 \[4…4\]$/);
    expect(lines.at(-1)).toBe('host x reconnecting');
    curves.prune(2600);
    expect(curves.entries().map(([k, p]) => [k, p.length])).toEqual([
      ['h:1 M1 star', 4],
      ['h:1 M2 star', 1],
    ]);
  });

  it('daq plot lightcurve refuses a missing or invalid ROI with a usage error', async () => {
    const none = await runCli(['plot', 'lightcurve', '--hosts', '127.0.0.1:1']);
    expect(none.code).toBe(EXIT.usage);
    expect(none.stderr).toContain('give at least one --roi');
    const bad = await runCli(['plot', 'lightcurve', '--hosts', '127.0.0.1:1', '--roi', 'star=0,40,0,1']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain('ROI "star": offset_x 0 + size_x 40 = 40 is beyond the image\'s 32 columns');
  });
});
