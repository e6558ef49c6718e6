// Vega-Lite spec -> SVG text, with no browser and no canvas: Vega's headless view
// (renderer 'none') lays the chart out and serialises it, so a notebook, a CLI or a test can
// show the same figure. Text widths are estimated when the optional 'canvas' package is absent.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type FigureSpec = TopLevelSpec;

export async function renderSvg(spec: FigureSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
