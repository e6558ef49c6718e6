// Several figures in one row, each keeping its own scales (a movie frame and a pulse-height
// frame have unrelated value ranges, so a shared colour scale would flatten one of them).
import { VEGA_LITE_SCHEMA, type FigureSpec } from './render-svg.js';

export function sideBySide(figures: readonly FigureSpec[], title?: string): FigureSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title ? { title } : {}),
    hconcat: figures.map(({ $schema: _schema, ...figure }) => figure),
    resolve: { scale: { color: 'independent', x: 'independent', y: 'independent' }, legend: { color: 'independent' } },
  } as FigureSpec;
}
