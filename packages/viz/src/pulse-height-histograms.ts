// Per-module pulse-height histograms: one panel per module, each event's pulse height (its
// maximum pixel) in ADC units, log counts so the rare bright events stay visible beside the
// pile of faint ones. Every panel uses the same bin edges and value axis, so modules compare
// at a glance (a module whose distribution sits to the right has a lower gain or threshold).
import { binValues, histogram, type Bin } from './histogram.js';
import type { FigureSpec } from './render-svg.js';
import { sideBySide } from './side-by-side.js';

/** One pulse-height event: its module and its pulse height (maximum pixel, ADC). */
export interface PulseHeightDatum {
  moduleId: number;
  pulseHeight: number;
}

/** Options of pulseHeightHistograms. */
export interface PulseHeightHistogramsOptions {
  title?: string;
  /** Target number of bins over the whole range of every module (default 40). */
  bins?: number;
  /** Panels per row (default 3). */
  columns?: number;
  plotWidth?: number;
  plotHeight?: number;
}

/** One module's panel as pulseHeightHistograms draws it: its bins on the shared edges. */
export interface ModuleHistogram {
  moduleId: number;
  events: number;
  bins: Bin[];
}

/** Events grouped by module (ascending id) and binned on bin edges shared by every module. */
export function moduleHistograms(events: Iterable<PulseHeightDatum>, options: Pick<PulseHeightHistogramsOptions, 'bins'> = {}): {
  modules: ModuleHistogram[];
  binWidth: number;
  domain: [number, number];
} {
  const byModule = new Map<number, number[]>();
  for (const e of events) {
    if (!Number.isFinite(e.pulseHeight)) continue;
    let list = byModule.get(e.moduleId);
    if (!list) byModule.set(e.moduleId, (list = []));
    list.push(e.pulseHeight);
  }
  const all = binValues([...byModule.values()].flat(), { bins: options.bins ?? 40 });
  if (all.length === 0) throw new RangeError('pulse-height histograms: no event with a finite pulse height');
  // binValues starts at a multiple of the width, so one width gives every module the same edges.
  const binWidth = all[0]!.end - all[0]!.start;
  const modules = [...byModule.keys()]
    .sort((a, b) => a - b)
    .map((moduleId) => {
      const values = byModule.get(moduleId)!;
      return { moduleId, events: values.length, bins: binValues(values, { binWidth }) };
    });
  return { modules, binWidth, domain: [all[0]!.start, all.at(-1)!.end] };
}

/** A grid of log-count pulse-height histograms, one per module, on one ADC axis. */
export function pulseHeightHistograms(events: Iterable<PulseHeightDatum>, options: PulseHeightHistogramsOptions = {}): FigureSpec {
  const list = [...events];
  const { modules, binWidth, domain } = moduleHistograms(list, options);
  const panels = modules.map((m) =>
    histogram(
      list.filter((e) => e.moduleId === m.moduleId).map((e) => e.pulseHeight),
      {
        binWidth,
        log: true,
        valueDomain: domain,
        title: `module ${m.moduleId} (${m.events} events)`,
        valueLabel: 'pulse height, maximum pixel (ADC)',
        plotWidth: options.plotWidth ?? 260,
        plotHeight: options.plotHeight ?? 160,
      },
    ),
  );
  return sideBySide(panels, options.title ?? `pulse-height histograms of ${modules.length} module${modules.length === 1 ? '' : 's'}`, {
    columns: options.columns ?? 3,
  });
}
