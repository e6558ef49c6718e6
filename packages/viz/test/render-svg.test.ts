// Renders each kind of figure through the real Vega pipeline and checks the SVG carries what a
// reader needs: the marks, the axis titles and the legend.
import { describe, expect, it } from 'vitest';
import { barChart, heatmap, histogram, pixelData, quaboLabels, renderSvg, sideBySide, timeSeries } from '../src/index.js';

const ramp = (n: number) => Uint16Array.from({ length: n }, (_, i) => i);

describe('heatmap', () => {
  it('lays out row-major pixels with row and column indices', () => {
    const data = pixelData({ shape: [2, 3], pixels: [1, 2, 3, 4, 5, 6] });
    expect(data[4]).toEqual({ row: 1, col: 1, value: 5 });
    expect(data).toHaveLength(6);
  });

  it('names the field when the shape does not fit the pixels', () => {
    expect(() => heatmap({ shape: [32, 32], pixels: ramp(256) })).toThrow(/256 pixels do not fill shape 32x32/);
    expect(() => heatmap({ shape: [32], pixels: ramp(32) })).toThrow(/shape \[32\] is not \[rows, cols\]/);
  });

  it('renders one rectangle per pixel, pixel axes, a colour legend and quabo boundaries and labels', async () => {
    const svg = await renderSvg(heatmap({ shape: [32, 32], pixels: ramp(1024) }, { title: 'module 1', valueLabel: 'ADC counts' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(1024);
    expect(svg).toContain('pixel row');
    expect(svg).toContain('pixel column');
    expect(svg).toContain('ADC counts');
    expect(svg).toContain('module 1');
    expect(svg.match(/aria-roledescription="rule mark"/g)).toHaveLength(2);
    expect(svg.match(/aria-roledescription="text mark"/g)).toHaveLength(4);
  });

  it("names each quadrant's quabo in the PANOSETI order: 0 upper left, 1 upper right, 2 lower right, 3 lower left", async () => {
    expect(quaboLabels()).toEqual([
      { label: 'q0', row: 0, col: 0 },
      { label: 'q1', row: 0, col: 16 },
      { label: 'q2', row: 16, col: 16 },
      { label: 'q3', row: 16, col: 0 },
    ]);
    // 320 px plot, 10 px per image pixel: the drawn label sits inside its quadrant.
    const svg = await renderSvg(heatmap({ shape: [32, 32], pixels: ramp(1024) }, { size: 320 }));
    const drawn = [...svg.matchAll(/aria-roledescription="text mark"[^>]*transform="translate\(([\d.]+),([\d.]+)\)"[^>]*>(q\d)</g)];
    const half = (v: string) => (Number(v) < 160 ? 0 : 1);
    expect(Object.fromEntries(drawn.map(([, x, y, label]) => [label, [half(y!), half(x!)]]))).toEqual({ q0: [0, 0], q1: [0, 1], q2: [1, 1], q3: [1, 0] });
  });

  it('draws no quabo boundaries or labels on a 16x16 ph256 image', async () => {
    const svg = await renderSvg(heatmap({ shape: [16, 16], pixels: Int16Array.from(ramp(256)) }));
    expect(svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(256);
    expect(svg).not.toContain('aria-roledescription="rule mark"');
    expect(svg).not.toContain('aria-roledescription="text mark"');
  });
});

describe('other figures', () => {
  it('renders histograms, a time series and a bar chart side by side', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const svg = await renderSvg(
      sideBySide([
        histogram([1, 2, 2, 3, 30], { valueLabel: 'maximum pixel', log: true }),
        timeSeries([{ time: t0, value: 1 }, { time: t0 + 1000, value: 3 }], { valueLabel: 'events/s' }),
        barChart([{ label: 'quabo 0', value: 4 }, { label: 'quabo 1', value: 2 }], { valueLabel: 'events' }),
      ]),
    );
    expect(svg).toContain('maximum pixel');
    expect(svg).toContain('count (log scale)');
    expect(svg).toContain('events/s');
    expect(svg).toContain('quabo 1');
    expect(svg).toContain('aria-roledescription="line mark"');
  });
});
