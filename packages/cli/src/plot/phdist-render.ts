// One screen of `daq plot phdist`: per module, a histogram of each event's maximum pixel with
// one bin per terminal column (or a few columns per bin when the values span fewer integers),
// bar heights on a log scale so the tail of bright events shows beside the pile of faint ones,
// and an ADC axis under it. The chart covers the longest window; the header counts the events
// of every window. Modules that do not fit are on pages, like `daq plot view`.
import { histogram, logHeight, type Histogram } from '@daqdata/core';
import { fitText } from './fit-text.js';
import { PAGE_KEYS_HELP } from './page-keys.js';
import { formatWindow, valuesInWindow, type PulseHeightEvents } from './pulse-height-distribution.js';

/** What a screen of the distribution shows besides the events. */
export interface PhdistFrameOptions {
  columns: number;
  rows: number;
  nowMs: number;
  windowsS: readonly number[];
  title: string;
  status: readonly string[];
  /** The page asked for (0-based; clamped). */
  page?: number;
}

/** A rendered screen and the page it shows. */
export interface PhdistScreen {
  lines: string[];
  page: number;
  pages: number;
}

/** Bar rows of a chart at the fewest (a module gets a page of its own before its chart is smaller). */
export const MIN_CHART_ROWS = 3;
/** Bar rows of a chart at the most, however tall the terminal. */
export const MAX_CHART_ROWS = 12;
/** Lines of a module block besides its bars: header, event counts, axis, axis labels, blank. */
const BLOCK_EXTRA_LINES = 5;

const EIGHTHS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** The character of a bar of heightEighths (in eighths of a row) in the row `fromBottom` rows above the axis. */
export function barCell(heightEighths: number, fromBottom: number): string {
  return EIGHTHS[Math.min(8, Math.max(0, heightEighths - fromBottom * 8))]!;
}

/** Bar height in eighths of a row on a log scale; a bin holding any event shows at least an eighth. */
export function barEighths(count: number, maxCount: number, chartRows: number): number {
  if (count <= 0) return 0;
  return Math.max(1, Math.round(logHeight(count, maxCount) * chartRows * 8));
}

/** Count label of each chart row (top first): the counts a bar reaching that row's top stands for. */
export function countAtRowTop(rowFromBottom: number, maxCount: number, chartRows: number): number {
  return Math.round(Math.pow(1 + maxCount, (rowFromBottom + 1) / chartRows) - 1);
}

/** ADC value (a bin's lower edge) under plot column col. */
function valueAt(h: Histogram, columnsPerBin: number, col: number): number {
  const width = (h.hi - h.lo) / h.counts.length;
  return h.lo + Math.floor(col / columnsPerBin) * width;
}

/** The bars, axis and axis labels of one histogram, every line exactly `columns` wide. */
export function renderHistogramChart(h: Histogram, columns: number, chartRows: number): string[] {
  const maxCount = Math.max(...h.counts);
  const labelWidth = Math.max(String(maxCount).length, 1);
  const plotWidth = Math.max(1, columns - labelWidth - 2);
  const columnsPerBin = Math.max(1, Math.floor(plotWidth / h.counts.length));
  const used = columnsPerBin * h.counts.length;
  const heights = h.counts.map((c) => barEighths(c, maxCount, chartRows));
  const lines: string[] = [];
  for (let r = chartRows - 1; r >= 0; r--) {
    // Label the top row and the middle one (on a log scale, the geometric middle of the counts).
    const labelled = r === chartRows - 1 || r === Math.floor((chartRows - 1) / 2);
    const label = labelled ? String(countAtRowTop(r, maxCount, chartRows)) : '';
    let bars = '';
    for (let col = 0; col < used; col++) bars += barCell(heights[Math.floor(col / columnsPerBin)]!, r);
    lines.push(fitText(`${label.padStart(labelWidth)} ┤${bars}`, columns));
  }
  // The ADC axis: at bin starts about every 12 columns, a tick and the bin's lower edge; the
  // upper end of the last bin at the right.
  const end = `${h.hi} ADC`;
  let axis = '';
  let labels = '';
  for (let col = 0; col < used; col++) {
    const value = String(valueAt(h, columnsPerBin, col));
    const tick = col % columnsPerBin === 0 && col >= labels.length && (col === 0 || col >= labels.trimEnd().length + 12 - value.length);
    if (tick && col + value.length < used - end.length) {
      labels = labels.padEnd(col) + value + ' ';
      axis += '┬';
    } else axis += '─';
  }
  const labelLine = labels.trimEnd().length + 1 + end.length <= used ? labels.trimEnd().padEnd(used - end.length) + end : labels.trimEnd();
  lines.push(fitText(`${' '.repeat(labelWidth)} └${axis}`, columns));
  lines.push(fitText(`${' '.repeat(labelWidth + 2)}${labelLine}`, columns));
  return lines;
}

/** The screen for page o.page (clamped) of the module blocks. */
export function renderPhdist(store: PulseHeightEvents, o: PhdistFrameOptions): PhdistScreen {
  const lines = [fitText(o.title, o.columns)];
  const modules = store.modules();
  // Title, page line and status are fixed; each module block takes its bars plus 5 lines.
  const free = o.rows - 2 - o.status.length;
  const perPage = Math.max(1, Math.floor(free / (MIN_CHART_ROWS + BLOCK_EXTRA_LINES)));
  const pages = Math.max(1, Math.ceil(modules.length / perPage));
  const page = Math.min(Math.max(0, o.page ?? 0), pages - 1);
  const onPage = modules.slice(page * perPage, (page + 1) * perPage);
  const chartRows = Math.min(MAX_CHART_ROWS, Math.max(MIN_CHART_ROWS, Math.floor(free / Math.max(1, onPage.length)) - BLOCK_EXTRA_LINES));
  if (modules.length === 0) lines.push(fitText('waiting for pulse-height events…', o.columns));
  const longestMs = Math.max(...o.windowsS) * 1000;
  for (const moduleId of onPage) {
    const events = store.events(moduleId);
    const counts = o.windowsS.map((w) => `${formatWindow(w)}: ${valuesInWindow(events, o.nowMs, w * 1000).length}`);
    const values = valuesInWindow(events, o.nowMs, longestMs);
    // Bins by terminal width: as many as the columns left of the count labels allow (no count
    // exceeds the number of events, so its width bounds the labels').
    const h = histogram(values, Math.max(1, o.columns - String(values.length).length - 2));
    const bins = h ? ` · ${h.counts.length} bins of ${(h.hi - h.lo) / h.counts.length} ADC` : '';
    const longest = formatWindow(Math.max(...o.windowsS));
    lines.push(fitText(`module ${moduleId} · event maximum, ADC · log counts · last ${longest}${bins}`, o.columns));
    lines.push(fitText(`events ${counts.join(', ')}`, o.columns));
    if (h) lines.push(...renderHistogramChart(h, o.columns, chartRows));
    else lines.push(...[`no events in the last ${longest}`, ...Array<string>(chartRows + 1).fill('')].map((l) => fitText(l, o.columns)));
    lines.push('');
  }
  if (modules.length > 0) {
    const keys = pages > 1 ? ` · ${PAGE_KEYS_HELP}` : '';
    lines.push(fitText(`page ${page + 1} of ${pages} · ${modules.length} modules${keys}`, o.columns));
  }
  for (const s of o.status) lines.push(fitText(s, o.columns));
  return { lines, page, pages };
}
