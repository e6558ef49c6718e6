// Several figures in one row, each keeping its own scales (a movie frame and a pulse-height
// frame have unrelated value ranges, so a shared colour scale would flatten one of them).
import { VEGA_LITE_SCHEMA, type FigureSpec } from './render-svg.js';

/** Figures next to each other, each with its own scales; `columns` wraps them into rows of that many. */
export function sideBySide(figures: readonly FigureSpec[], title?: string, options: { columns?: number } = {}): FigureSpec {
  const parts = figures.map(({ $schema: _schema, ...figure }) => figure);
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title ? { title } : {}),
    ...(options.columns ? { concat: parts, columns: options.columns } : { hconcat: parts }),
    resolve: { scale: { color: 'independent', x: 'independent', y: 'independent' }, legend: { color: 'independent' } },
  } as FigureSpec;
}
