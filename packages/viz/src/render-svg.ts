// Vega-Lite spec -> SVG text, with no browser and no canvas: Vega's headless view
// (renderer 'none') lays the chart out and serialises it, so a notebook, a CLI or a test can
// show the same figure. Text widths are estimated when the optional 'canvas' package is absent.
import type { TopLevelSpec } from 'vega-lite';

export type FigureSpec = TopLevelSpec;

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** What every single-view figure starts with: the schema, an optional title and the plot size. */
export function figureFrame(title: string | undefined, width: number, height: number) {
  return { $schema: VEGA_LITE_SCHEMA, ...(title ? { title } : {}), width, height };
}

export async function renderSvg(spec: FigureSpec): Promise<string> {
  // Loaded on first use, not imported statically: vega-canvas probes for 'canvas' with a
  // top-level await, and an ESM graph with top-level await cannot be require()d, which is how
  // the tslab kernel (it compiles cells to CommonJS) loads this package.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
