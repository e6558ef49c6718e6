// `daq roi`: ROI photometry of every frame, computed at the nodes (StreamRoiStats): one line
// (or JSON object) per frame with each ROI's sum, mean, max, pixel count, profiles and
// background-subtracted signal. ROIs are PSI psen's rectangles, NAME=offset_x,size_x,offset_y,size_y.
import { Command } from 'commander';
import { formatRoiProblem, parseRoiRect, roiSetProblem, type NamedRoi, type PsenRect } from '@daqdata/core';
import { reachableHosts, withClient } from '../client-session.js';
import { CliError, EXIT } from '../exit-codes.js';
import { runImageStream } from '../image-stream-run.js';
import { argParser, parseCount, parsePositiveNumber } from '../options/option-parsers.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';
import { roiJsonLine, roiSummaryLine } from '../output/roi-output.js';
import { stopOnBrokenPipe, writeLine } from '../output/write-line.js';

export interface RoiFlags extends TargetFlags {
  roi: Array<[string, PsenRect]>;
  background: Array<[string, PsenRect]>;
  movie: boolean;
  pulseHeight?: boolean;
  json?: boolean;
  count?: number;
  duration?: number;
}

/** NAME=ox,sx,oy,sy. */
function parseNamedRect(value: string): [string, PsenRect] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new Error(`"${value}" is not NAME=offset_x,size_x,offset_y,size_y`);
  return [value.slice(0, eq).trim(), parseRoiRect(value.slice(eq + 1))];
}

const collect = (value: string, previous: Array<[string, PsenRect]>) => [...previous, argParser(parseNamedRect)(value)];

/** The ROIs of the flags, each with its background; a usage error names the ROI and the rule. */
export function roisOfFlags(flags: Pick<RoiFlags, 'roi' | 'background' | 'movie' | 'pulseHeight'>): NamedRoi[] {
  if (flags.roi.length === 0) throw new CliError('give at least one --roi NAME=offset_x,size_x,offset_y,size_y', EXIT.usage);
  if (!flags.movie && !flags.pulseHeight) throw new CliError('--no-movie without --pulse-height leaves nothing to compute', EXIT.usage);
  const rois: NamedRoi[] = flags.roi.map(([name, rect]) => ({ name, rect }));
  for (const [name, rect] of flags.background) {
    const roi = rois.find((r) => r.name === name);
    if (!roi) throw new CliError(`--background ${name}: no --roi is named ${JSON.stringify(name)}`, EXIT.usage);
    roi.background = rect;
  }
  const problem = roiSetProblem(rois);
  if (problem) throw new CliError(`--roi ${formatRoiProblem(problem)}`, EXIT.usage);
  return rois;
}

/** The ROI and product options `daq roi` and `daq plot lightcurve` share. */
export function roiOptions(cmd: Command): Command {
  return cmd
    .option('--roi <NAME=ox,sx,oy,sy>', 'a region of interest in psen\'s [offset_x, size_x, offset_y, size_y] (repeat for more)', collect, [])
    .option('--background <NAME=ox,sx,oy,sy>', 'the background region of ROI NAME: its mean is subtracted from the signal (repeatable)', collect, [])
    .option('--no-movie', 'leave out movie-mode frames')
    .option('--pulse-height', 'include pulse-height frames');
}

export function roiCommand(): Command {
  return roiOptions(addTargetOptions(new Command('roi').description('ROI photometry of every frame, computed at the nodes: one line (or JSON object) per frame with each ROI\'s sum, mean, max, profiles and signal; Ctrl-C stops')))
    .option('--json', 'NDJSON: one object per frame (time ISO-8601 with nanoseconds; timeNs as a string)')
    .option('--count <n>', 'stop after n frames', argParser(parseCount))
    .option('--duration <seconds>', 'stop after this many seconds', argParser(parsePositiveNumber))
    .action((daqConfig: string | undefined, networkConfig: string | undefined, flags: RoiFlags) =>
      withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
        const rois = roisOfFlags(flags);
        const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
        const controller = new AbortController();
        const release = stopOnBrokenPipe(process.stdout, controller);
        const format = flags.json ? roiJsonLine : roiSummaryLine;
        try {
          await runImageStream(
            ctx,
            (signal) => ctx.client.roiStats({ hosts, rois, moduleIds: flags.moduleIds, movie: flags.movie, pulseHeight: flags.pulseHeight ?? false, signal }),
            (record) => writeLine(process.stdout, format(record)),
            { count: flags.count, durationS: flags.duration, controller },
          );
        } finally {
          release();
        }
      }),
    );
}
