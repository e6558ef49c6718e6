// `daq plot view` and `daq plot phdist`: live terminal views. q or Ctrl-C quits.
import { Command, Option } from 'commander';
import { reachableHosts, withClient } from '../client-session.js';
import { addPlotOptions, type PlotFlags } from '../options/plot-options.js';
import { argParser, parsePositiveNumber, parseWindows } from '../options/option-parsers.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';
import { chooseColourMode } from '../plot/colour-mode.js';
import { runLiveScreen } from '../plot/live-screen.js';
import { ModuleTracks } from '../plot/module-track.js';
import { renderPhdist } from '../plot/phdist-render.js';
import { DEFAULT_WINDOWS_S, formatWindow, PulseHeightEvents } from '../plot/pulse-height-distribution.js';
import { eventMaximum } from '@daqdata/core';
import { renderView } from '../plot/view-render.js';
import { applyPageMove, keysOf, pageMove } from '../plot/page-keys.js';
import { LightCurves, renderLightCurves, type LightCurveStat } from '../plot/light-curve-render.js';
import { roiOptions, roisOfFlags, type RoiFlags } from './roi.js';

function colourMode(flags: PlotFlags) {
  const out = process.stdout;
  return chooseColourMode({ env: process.env, colourDepth: out.isTTY ? out.getColorDepth() : undefined, flag: flags.color });
}

/** A key handler that turns the page of a paged view; true when it did (redraw at once). */
function pageTurner(current: () => { page: number; pages: number }, set: (page: number) => void): (chunk: string) => boolean {
  return (chunk) => {
    let moved = false;
    for (const key of keysOf(chunk)) {
      const move = pageMove(key);
      if (move === null) continue;
      const { page, pages } = current();
      set(applyPageMove(page, pages, move));
      moved = true;
    }
    return moved;
  };
}

function viewCommand(): Command {
  return addPlotOptions(
    addTargetOptions(
      new Command('view').description(
        "live heat maps of each module's latest movie frame and pulse-height event side by side, with colour bar, frame number, run, data and display rates; modules that do not fit are on pages (n/PgDn, p/PgUp); q or Ctrl-C quits",
      ),
    ),
    { colour: true },
  ).action((daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags & PlotFlags) =>
    withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
      const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
      const mode = colourMode(flags);
      const tracks = new ModuleTracks();
      const title = `daq plot view · ${hosts.join(', ')} · every ${flags.refreshPeriod} s · q quits`;
      // The page shown and the page count of the last screen drawn (a key moves within those).
      let page = 0;
      let pages = 1;
      const turnPage = pageTurner(() => ({ page, pages }), (p) => (page = p));
      await runLiveScreen(ctx, {
        open: (signal) => ctx.client.streamImages({ hosts, updateIntervalSeconds: flags.refreshPeriod, moduleIds: flags.moduleIds, endWhenAllGone: false, signal }),
        refreshPeriodS: flags.refreshPeriod,
        add: (image, arrivalMs) => tracks.add(image, arrivalMs),
        render: (size, nowMs, status) => {
          const screen = renderView(tracks.list(), { ...size, mode, nowMs, title, status, page });
          ({ page, pages } = screen);
          return screen.lines;
        },
        onKey: (chunk) => turnPage(chunk),
      });
    }),
  );
}

function phdistCommand(): Command {
  return addPlotOptions(
    addTargetOptions(
      new Command('phdist').description('live pulse-height distribution per module: histogram of each event\'s maximum pixel (ADC), one bin per terminal column, log counts, over sliding windows; modules that do not fit are on pages (n/PgDn, p/PgUp); q or Ctrl-C quits'),
    ),
    { colour: false },
  )
    .option('--windows <seconds,...>', 'window lengths in seconds', argParser(parseWindows), [...DEFAULT_WINDOWS_S])
    .option(
      '--sample-interval <seconds>',
      'request pulse-height images this often per module (the node sends at most one per interval)',
      argParser(parsePositiveNumber),
      0.01,
    )
    .action((daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags & Pick<PlotFlags, 'refreshPeriod'> & { windows: number[]; sampleInterval: number }) =>
      withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
        const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
        const store = new PulseHeightEvents(Math.max(...flags.windows) * 1000);
        const title = `daq plot phdist · ${hosts.join(', ')} · windows ${flags.windows.map(formatWindow).join(' / ')} · q quits`;
        let page = 0;
        let pages = 1;
        const turnPage = pageTurner(() => ({ page, pages }), (p) => (page = p));
        await runLiveScreen(ctx, {
          open: (signal) =>
            ctx.client.streamImages({ hosts, movie: false, pulseHeight: true, updateIntervalSeconds: flags.sampleInterval, moduleIds: flags.moduleIds, endWhenAllGone: false, signal }),
          refreshPeriodS: flags.refreshPeriod,
          add: (image, arrivalMs) => store.add(image.moduleId, { arrivalMs, maxPixel: eventMaximum(image.pixels), frame: `${image.host} ${image.file} ${image.frameNumber}` }),
          render: (size, nowMs, status) => {
            store.prune(nowMs);
            const screen = renderPhdist(store, { ...size, nowMs, windowsS: flags.windows, title, status, page });
            ({ page, pages } = screen);
            return screen.lines;
          },
          onKey: (chunk) => turnPage(chunk),
        });
      }),
    );
}

function lightCurveCommand(): Command {
  return roiOptions(
    addPlotOptions(
      addTargetOptions(new Command('lightcurve').description('live ROI light curves computed at the nodes (StreamRoiStats): one sparkline per node, module and ROI over a sliding window; q or Ctrl-C quits')),
      { colour: false },
    ),
  )
    .option('--window <seconds>', 'the time span each curve shows', argParser(parsePositiveNumber), 10)
    .addOption(new Option('--stat <name>', 'the ROI statistic drawn').choices(['sum', 'mean', 'max', 'signal']).default('sum'))
    .action((daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags & Pick<PlotFlags, 'refreshPeriod'> & RoiFlags & { window: number; stat: LightCurveStat }) =>
      withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
        const rois = roisOfFlags(flags);
        const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
        const windowMs = flags.window * 1000;
        const curves = new LightCurves(windowMs, flags.stat);
        const title = `daq plot lightcurve · ${hosts.join(', ')} · ${flags.stat} over ${flags.window} s · q quits`;
        await runLiveScreen(ctx, {
          open: (signal) => ctx.client.roiStats({ hosts, rois, moduleIds: flags.moduleIds, movie: flags.movie, pulseHeight: flags.pulseHeight ?? false, endWhenAllGone: false, signal }),
          refreshPeriodS: flags.refreshPeriod,
          add: (record, arrivalMs) => curves.add(record, arrivalMs),
          render: (size, nowMs, status) => {
            curves.prune(nowMs);
            return renderLightCurves(curves, { ...size, nowMs, windowMs, stat: flags.stat, title, status });
          },
        });
      }),
    );
}

export function plotCommand(): Command {
  return new Command('plot').description('live terminal plots').addCommand(viewCommand()).addCommand(phdistCommand()).addCommand(lightCurveCommand());
}
