// `daq record <file>`: images as they arrive into a MessagePack record file (see
// core's record/record-format.ts), with progress on stderr. Ctrl-C, --count or --duration ends it
// and the file is complete up to the last image.
import { Command } from 'commander';
import { RecordWriter } from '@daqdata/core/node';
import { reachableHosts, withClient } from '../client-session.js';
import { runImageStream } from '../image-stream-run.js';
import { addStreamOptions, streamSelection, type StreamFlags } from '../options/stream-options.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';
import { ProgressLine } from '../output/progress-line.js';

export function recordCommand(): Command {
  const cmd = new Command('record')
    .description('record images to a file (MessagePack stream) for `daq replay`; progress on stderr; Ctrl-C stops')
    .argument('<file>', 'record file to write (replaced if it exists)');
  return addStreamOptions(addTargetOptions(cmd)).action(
    async (file: string, daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags & StreamFlags) => {
      await withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
        const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
        const writer = await RecordWriter.open(file, 'daq record');
        const progress = new ProgressLine(process.stderr);
        const describe = () => `recorded ${writer.count} images (${writer.bytes} bytes) to ${file}`;
        try {
          await runImageStream(
            ctx,
            (signal) =>
              ctx.client.streamImages({ ...streamSelection(flags, hosts), parse: false, signal }),
            async ({ host, response }) => {
              const arrivalUnixMs = performance.timeOrigin + performance.now();
              if (!response.panoImage) {
                ctx.log.warn(`host ${host} sent a response without pano_image (${response.message || 'no message'}); not recorded`);
                return;
              }
              await writer.write({ host, serverTimestamp: response.timestamp, arrivalUnixMs, image: response.panoImage });
              ctx.log.debug(`recorded image ${writer.count}: module ${response.panoImage.moduleId} from ${host}`);
              progress.update(describe());
            },
            { count: flags.count, durationS: flags.duration },
          );
        } finally {
          await writer.close();
          progress.done(describe());
        }
      });
    },
  );
}
