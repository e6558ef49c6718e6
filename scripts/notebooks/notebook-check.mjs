// What makes an executed notebook pass: every code cell ran with status "ok" (stamped by
// nbconvert_config.py), and every figure cell (tagged "plot", or calling display.svg / png)
// shows an image (SVG or PNG). Pure: takes the parsed .ipynb JSON, returns the problems as
// sentences naming the cell.

export const PLOT_TAG = 'plot';
const IMAGE_TYPES = ['image/svg+xml', 'image/png'];

/** @param {unknown} source a cell's source: a string or a list of lines */
function text(source) {
  return Array.isArray(source) ? source.join('') : String(source ?? '');
}

/** The first line of a cell's source, to name it in a message. */
function firstLine(cell) {
  const line = text(cell.source).split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 70 ? `${line.slice(0, 67)}...` : line;
}

/** What the cell wrote to stderr and any error outputs: tslab's error text lives there. */
function errorText(cell) {
  return (cell.outputs ?? [])
    .flatMap((o) =>
      o.output_type === 'stream' && o.name === 'stderr'
        ? [text(o.text)]
        : o.output_type === 'error'
          ? [`${o.ename}: ${o.evalue}`]
          : [],
    )
    .join('')
    .trim();
}

// A figure cell is one tagged "plot", or one that calls tslab's display.svg / display.png: a
// figure cell someone forgot to tag is checked all the same.
const DISPLAYS_FIGURE = /\bdisplay\.(?:svg|png)\s*\(/;

function isPlotCell(cell) {
  return (cell.metadata?.tags ?? []).includes(PLOT_TAG) || DISPLAYS_FIGURE.test(text(cell.source));
}

function hasImage(cell) {
  return (cell.outputs ?? []).some(
    (o) => (o.output_type === 'display_data' || o.output_type === 'execute_result') && IMAGE_TYPES.some((t) => o.data?.[t]),
  );
}

/**
 * @param {{ cells?: any[] }} notebook an executed notebook (nbformat 4 JSON)
 * @returns {string[]} one sentence per problem, empty when the notebook passes
 */
export function notebookProblems(notebook) {
  const problems = [];
  const cells = notebook.cells ?? [];
  // tslab aborts the cells queued after a failure (reply status "abort"; Jupyter's own word is
  // "aborted"): one line for them, not one each.
  let aborted = 0;
  cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const where = `cell ${index + 1} (${firstLine(cell)})`;
    const status = cell.metadata?.daqdata?.status;
    if (status === 'abort' || status === 'aborted') {
      aborted++;
    } else if (status !== 'ok') {
      const reason = status === undefined ? 'was not executed' : `failed (status ${status})`;
      const detail = errorText(cell);
      problems.push(`${where} ${reason}${detail ? `:\n${detail}` : ''}`);
    } else if (isPlotCell(cell) && !hasImage(cell)) {
      const why = (cell.metadata?.tags ?? []).includes(PLOT_TAG) ? `is tagged "${PLOT_TAG}"` : 'displays a figure';
      problems.push(`${where} ${why} but produced no image (image/svg+xml or image/png output)`);
    }
  });
  if (aborted > 0) problems.push(`${aborted} later cell(s) were aborted after the failure`);
  if (!cells.some((c) => c.cell_type === 'code')) problems.push('the notebook has no code cell');
  return problems;
}
