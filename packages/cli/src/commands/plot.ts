// `daq plot view` and `daq plot phdist`: live terminal views. q or Ctrl-C quits.
import { Command } from 'commander';
import { reachableHosts, withClient } from '../client-session.js';
import { addPlotOptions, type PlotFlags } from '../options/plot-options.js';
import { argParser, parsePositiveNumber, parseWindows } from '../options/option-parsers.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';
import { chooseColourMode } from '../plot/colour-mode.js';
import { runLiveScreen } from '../plot/live-screen.js';
import { ModuleTracks } from '../plot/module-track.js';
import { renderPhdist } from '../plot/phdist-render.js';
import { DEFAULT_WINDOWS_S, eventMaximum, formatWindow, PulseHeightEvents } from '../plot/pulse-height-distribution.js';
import { renderView } from '../plot/view-render.js';

function colourMode(flags: PlotFlags) {
  const out = process.stdout;
  return chooseColourMode({ env: process.env, colourDepth: out.isTTY ? out.getColorDepth() : undefined, flag: flags.color });
}

function viewCommand(): Command {
  return addPlotOptions(
    addTargetOptions(
      new Command('view').description(
        "live heat maps of each module's latest movie frame and pulse-height event, with module id, frame time and rate; q or Ctrl-C quits",
      ),
    ),
    { colour: true },
  ).action((daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags & PlotFlags) =>
    withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
      const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
      const mode = colourMode(flags);
      const tracks = new ModuleTracks();
      const title = `daq plot view · ${hosts.join(', ')} · every ${flags.refreshPeriod} s · q quits`;
      await runLiveScreen(ctx, {
        stream: { hosts, updateIntervalSeconds: flags.refreshPeriod, moduleIds: flags.moduleIds },
        refreshPeriodS: flags.refreshPeriod,
        add: (image, arrivalMs) => tracks.add(image, arrivalMs),
        render: (size, nowMs, status) => renderView(tracks.list(), { ...size, mode, nowMs, title, status }),
      });
    }),
  );
}

function phdistCommand(): Command {
  return addPlotOptions(
    addTargetOptions(
      new Command('phdist').description('live pulse-height distribution per module: histogram of each event\'s maximum pixel over sliding windows; q or Ctrl-C quits'),
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
        await runLiveScreen(ctx, {
          stream: {
            hosts,
            movie: false,
            pulseHeight: true,
            updateIntervalSeconds: flags.sampleInterval,
            moduleIds: flags.moduleIds,
          },
          refreshPeriodS: flags.refreshPeriod,
          add: (image, arrivalMs) => store.add(image.moduleId, { arrivalMs, maxPixel: eventMaximum(image.pixels) }),
          render: (size, nowMs, status) => {
            store.prune(nowMs);
            return renderPhdist(store, { ...size, nowMs, windowsS: flags.windows, title, status });
          },
        });
      }),
    );
}

export function plotCommand(): Command {
  return new Command('plot').description('live terminal plots').addCommand(viewCommand()).addCommand(phdistCommand());
}
