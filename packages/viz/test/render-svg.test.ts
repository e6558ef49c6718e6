// Renders each kind of figure through the real Vega pipeline and checks the SVG carries what a
// reader needs: the marks, the axis titles and the legend.
import { describe, expect, it } from 'vitest';
import { barChart, heatmap, histogram, pixelData, renderSvg, sideBySide, timeSeries } from '../src/index.js';

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

  it('renders one rectangle per pixel, pixel axes, a colour legend and quabo boundaries', async () => {
    const svg = await renderSvg(heatmap({ shape: [32, 32], pixels: ramp(1024) }, { title: 'module 1', valueLabel: 'ADC counts' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(1024);
    expect(svg).toContain('pixel row');
    expect(svg).toContain('pixel column');
    expect(svg).toContain('ADC counts');
    expect(svg).toContain('module 1');
    expect(svg.match(/aria-roledescription="rule mark"/g)).toHaveLength(2);
  });

  it('draws no quabo boundaries on a 16x16 ph256 image', async () => {
    const svg = await renderSvg(heatmap({ shape: [16, 16], pixels: Int16Array.from(ramp(256)) }));
    expect(svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(256);
    expect(svg).not.toContain('aria-roledescription="rule mark"');
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
