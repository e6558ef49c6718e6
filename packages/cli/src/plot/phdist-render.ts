// One screen of `daq plot phdist`: per module, a block with one row per pulse-height bin and
// one bar column per window. Bin edges come from the longest window so columns compare.
import {
  bar,
  binEdges,
  binLabel,
  formatWindow,
  histogram,
  valuesInWindow,
  type PulseHeightEvents,
} from './pulse-height-distribution.js';
import { fitText } from './view-render.js';

export interface PhdistFrameOptions {
  columns: number;
  rows: number;
  nowMs: number;
  windowsS: readonly number[];
  title: string;
  status: readonly string[];
}

const MIN_BINS = 4;
const MAX_BINS = 40;

export function renderPhdist(store: PulseHeightEvents, o: PhdistFrameOptions): string[] {
  const lines = [fitText(o.title, o.columns)];
  const modules = store.modules();
  if (modules.length === 0) lines.push(fitText('waiting for pulse-height events…', o.columns));
  // Each module block: a title, a column header, the bins, a blank line.
  const free = o.rows - 1 - o.status.length - modules.length * 3;
  const bins = Math.min(MAX_BINS, Math.max(MIN_BINS, Math.floor(free / Math.max(1, modules.length))));
  const longest = Math.max(...o.windowsS) * 1000;
  for (const moduleId of modules) {
    const events = store.events(moduleId);
    const perWindow = o.windowsS.map((w) => valuesInWindow(events, o.nowMs, w * 1000));
    const edges = binEdges(valuesInWindow(events, o.nowMs, longest), bins);
    lines.push(fitText(`M${moduleId}  pulse-height distribution (maximum pixel of each event)`, o.columns));
    if (!edges) {
      lines.push(fitText('no events in the window', o.columns), '');
      continue;
    }
    const labelWidth = Math.max(5, ...Array.from({ length: edges.count }, (_, k) => binLabel(edges, k).length));
    const counts = perWindow.map((values) => histogram(values, edges));
    const countWidth = Math.max(3, ...counts.flat().map((c) => String(c).length));
    const columnWidth = Math.floor((o.columns - labelWidth - 1) / o.windowsS.length) - 3;
    const barWidth = Math.max(1, columnWidth - countWidth - 1);
    const headers = o.windowsS.map((w, i) =>
      fitText(`${formatWindow(w)}: ${perWindow[i]!.length} events`, barWidth + countWidth + 1),
    );
    lines.push(fitText(`${'value'.padStart(labelWidth)} │ ${headers.join(' │ ')}`, o.columns));
    // Highest values on top, like a y axis.
    for (let k = edges.count - 1; k >= 0; k--) {
      const cells = counts.map((c) => {
        const max = Math.max(...c);
        return `${bar(c[k]!, max, barWidth)} ${String(c[k]!).padStart(countWidth)}`;
      });
      lines.push(fitText(`${binLabel(edges, k).padStart(labelWidth)} │ ${cells.join(' │ ')}`, o.columns));
    }
    lines.push('');
  }
  for (const s of o.status) lines.push(fitText(s, o.columns));
  return lines;
}
