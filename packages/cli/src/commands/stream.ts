// `daq stream`: one summary line per image, or NDJSON with the parsed fields (--json).
import { Command } from 'commander';
import { reachableHosts, withClient } from '../client-session.js';
import { runImageStream } from '../image-stream-run.js';
import { addStreamOptions, streamSelection, type StreamFlags } from '../options/stream-options.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';
import { imageJsonLine, imageSummaryLine } from '../output/image-output.js';
import { stopOnBrokenPipe, writeLine } from '../output/write-line.js';

export function streamCommand(): Command {
  return addStreamOptions(addTargetOptions(new Command('stream').description('print images as they arrive: one summary line each, or NDJSON (--json); Ctrl-C stops')))
    .option('--json', 'NDJSON: one object per image with the parsed fields (nanosecond times as strings)')
    .action((daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags & StreamFlags & { json?: boolean }) =>
      withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
        const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
        const controller = new AbortController();
        const release = stopOnBrokenPipe(process.stdout, controller);
        const format = flags.json ? imageJsonLine : imageSummaryLine;
        try {
          await runImageStream(
            ctx,
            (signal) =>
              ctx.client.streamImages({ ...streamSelection(flags, hosts), signal }),
            (image) => writeLine(process.stdout, format(image)),
            { count: flags.count, durationS: flags.duration, controller },
          );
        } finally {
          release();
        }
      }),
    );
}
