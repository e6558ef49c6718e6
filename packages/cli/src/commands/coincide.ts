// `daq coincide`: live coincidences across modules (or nodes): groups of pulse-height events
// from at least K distinct modules whose White Rabbit times lie within W ns, one line (or JSON
// object) per group, from the SDK's coincidence matcher over the merged pulse-height stream.
import { Command, Option } from 'commander';
import { CoincidenceMatcher, DEFAULT_LATENESS_NS, coincidences, type DaqClient, type ParsedImage } from '@daqdata/client';
import { reachableHosts, withClient } from '../client-session.js';
import { CliError, EXIT } from '../exit-codes.js';
import { runImageStream } from '../image-stream-run.js';
import { argParser, parseCount, parsePositiveNumber } from '../options/option-parsers.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';
import { coincidenceJsonLine, coincidenceStatsLine, coincidenceSummaryLine } from '../output/coincidence-output.js';
import { stopOnBrokenPipe, writeLine } from '../output/write-line.js';

interface CoincideFlags extends TargetFlags {
  window: bigint;
  minModules: number;
  byNode?: boolean;
  json?: boolean;
  lateness: bigint;
  unsynchronised: 'exclude' | 'arrival';
  idleFlush: number;
  count?: number;
  duration?: number;
}

/** A whole number of nanoseconds (the matcher checks its range and says it). */
function parseNs(value: string): bigint {
  if (!/^\d{1,15}$/.test(value.trim())) throw new Error(`"${value}" is not a whole number of nanoseconds`);
  return BigInt(value.trim());
}

/**
 * The pulse-height stream the matcher reads: every event of every node, in order, resumed
 * after a reconnect (every-frame delivery); a gap a node reports is printed on stderr by
 * runImageStream, so a coincidence can only be missed where the stream says frames were lost.
 */
function pulseHeightImages(client: DaqClient, hosts: string[], flags: CoincideFlags, signal: AbortSignal): AsyncIterable<ParsedImage> {
  return client.streamImages({ hosts, movie: false, pulseHeight: true, moduleIds: flags.moduleIds, delivery: 'every-frame', signal });
}

export function coincideCommand(): Command {
  return addTargetOptions(new Command('coincide').description('print coincidences: pulse-height events of at least K modules (or nodes) within W ns, one line (or JSON object) per group; Ctrl-C stops'))
    .requiredOption('--window <ns>', 'W: the largest span of a group, in ns (1 .. 10 000 000 000)', argParser(parseNs))
    .requiredOption('--min-modules <k>', 'K: the fewest distinct modules in a group (with --by-node: nodes)', argParser(parseCount))
    .option('--by-node', 'count distinct nodes instead of modules')
    .option('--json', 'NDJSON: one object per group (nanosecond times as strings)')
    .addOption(new Option('--lateness <ns>', 'how far behind the newest event an event may arrive and still be matched').default(DEFAULT_LATENESS_NS, String(DEFAULT_LATENESS_NS)).argParser(argParser(parseNs)))
    .addOption(new Option('--unsynchronised <mode>', 'events whose White Rabbit clock is unsynchronised: exclude them, or match them among themselves on arrival time (flagged)').choices(['exclude', 'arrival']).default('exclude'))
    .option('--idle-flush <ms>', 'after this many ms without an event, print the groups still waiting for stragglers', argParser(parsePositiveNumber), 1000)
    .option('--count <n>', 'stop after n groups', argParser(parseCount))
    .option('--duration <seconds>', 'stop after this many seconds', argParser(parsePositiveNumber))
    .action((daqConfig: string | undefined, networkConfig: string | undefined, flags: CoincideFlags) =>
      withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
        let matcher: CoincidenceMatcher;
        try {
          if (flags.idleFlush > 3_600_000) throw new RangeError(`--idle-flush ${flags.idleFlush} is above 3600000 ms`);
          matcher = new CoincidenceMatcher({ windowNs: flags.window, minModules: flags.minModules, by: flags.byNode ? 'node' : 'module', latenessNs: flags.lateness, unsynchronised: flags.unsynchronised });
        } catch (err) {
          throw new CliError((err as Error).message.replace(/^coincidences: /, ''), EXIT.usage);
        }
        const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
        const controller = new AbortController();
        const release = stopOnBrokenPipe(process.stdout, controller);
        const format = flags.json ? coincidenceJsonLine : coincidenceSummaryLine;
        try {
          await runImageStream(ctx, (signal) => coincidences(pulseHeightImages(ctx.client, hosts, flags, signal), matcher, { idleFlushMs: flags.idleFlush }), (group) => writeLine(process.stdout, format(group)), {
            count: flags.count,
            durationS: flags.duration,
            controller,
          });
        } finally {
          release();
          process.stderr.write(`daq coincide: ${coincidenceStatsLine(matcher.stats)}\n`);
        }
      }),
    );
}
