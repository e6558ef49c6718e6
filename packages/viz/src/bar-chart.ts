// Counts per category (events per quabo, frames per module), one bar each, labelled.
import { figureFrame, type FigureSpec } from './render-svg.js';

export interface BarDatum {
  label: string;
  value: number;
  /** Optional group: bars of one category side by side, coloured by group. */
  group?: string;
}

export interface BarChartOptions {
  title?: string;
  categoryLabel?: string;
  valueLabel?: string;
  plotWidth?: number;
  plotHeight?: number;
}

export function barChart(bars: readonly BarDatum[], options: BarChartOptions = {}): FigureSpec {
  const grouped = bars.some((b) => b.group !== undefined);
  return {
    ...figureFrame(options.title, options.plotWidth ?? 320, options.plotHeight ?? 200),
    data: { values: bars.map((b) => ({ label: b.label, value: b.value, group: b.group ?? '' })) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'label', type: 'nominal', sort: null, title: options.categoryLabel ?? null, axis: { labelAngle: 0 } },
      y: { field: 'value', type: 'quantitative', title: options.valueLabel ?? 'count' },
      ...(grouped ? { xOffset: { field: 'group' }, color: { field: 'group', type: 'nominal', title: null } } : {}),
      tooltip: [{ field: 'label' }, ...(grouped ? [{ field: 'group' }] : []), { field: 'value' }],
    },
  } as FigureSpec;
}
