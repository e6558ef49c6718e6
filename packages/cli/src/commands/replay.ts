// `daq replay <file>`: a record file back out, exactly as recorded: to stdout (summary lines
// or NDJSON, like `daq stream`), or, when nodes are named, to each node through UploadImages
// at the recorded cadence (--speed scales it; 0 = as fast as possible).
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { parsePanoImage, PanoImageError, type PanoImage, type RecordedImage } from '@daqdata/core';
import { readRecordFile } from '@daqdata/core/node';
import { reachableHosts, withClient } from '../client-session.js';
import { addTargetOptions, namesNodes, type TargetFlags } from '../options/target-options.js';
import { argParser } from '../options/option-parsers.js';
import { imageJsonLine, imageSummaryLine } from '../output/image-output.js';
import { ProgressLine } from '../output/progress-line.js';
import { stopOnBrokenPipe, writeLine } from '../output/write-line.js';
import { parseSpeed, replayDueMs } from '../record/replay-schedule.js';
import { stderrLogger, type Logger } from '../log.js';

interface ReplayFlags extends TargetFlags {
  json?: boolean;
  speed?: number;
}

/** Records of the file, each released when due at this speed (from the first record's arrival). */
async function* paced(file: string, speed: number, signal: AbortSignal): AsyncGenerator<RecordedImage> {
  const started = performance.now();
  let first: number | undefined;
  for await (const r of readRecordFile(file)) {
    first ??= r.arrivalUnixMs;
    const wait = started + replayDueMs(first, r.arrivalUnixMs, speed) - performance.now();
    if (wait > 0) await sleep(wait, undefined, { signal });
    yield r;
  }
}

async function replayToStdout(file: string, flags: ReplayFlags, log: Logger): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const release = stopOnBrokenPipe(process.stdout, controller);
  const format = flags.json ? imageJsonLine : imageSummaryLine;
  let index = 0;
  try {
    for await (const r of paced(file, flags.speed ?? 0, controller.signal)) {
      index++;
      if (controller.signal.aborted) break;
      try {
        const image = parsePanoImage(r.image, { host: r.host, ...(r.serverTimestamp ? { serverTimestamp: r.serverTimestamp } : {}) });
        await writeLine(process.stdout, format(image));
      } catch (e) {
        // A recorded image the node sent but that does not parse: say which, go on.
        if (!(e instanceof PanoImageError)) throw e;
        log.warn(`${file}: record ${index}: ${e.message}; skipped`);
      }
    }
  } catch (e) {
    if (!controller.signal.aborted) throw e;
  } finally {
    process.off('SIGINT', stop);
    release();
  }
}

export function replayCommand(): Command {
  const cmd = new Command('replay')
    .description('replay a record file: to stdout (like `daq stream`), or to the named nodes through UploadImages at the recorded cadence')
    .argument('<file>', 'record file written by `daq record`');
  return addTargetOptions(cmd)
    .option('--json', 'stdout: NDJSON, one object per image with the parsed fields')
    .option('--speed <factor>', 'cadence factor: 2 = twice as fast, 0 = no waiting (default: 1 to nodes, 0 to stdout)', argParser(parseSpeed))
    .action(async (file: string, daqConfig: string | undefined, networkConfig: string | undefined, flags: ReplayFlags) => {
      if (!namesNodes({ daqConfig, networkConfig }, flags)) {
        await replayToStdout(file, flags, stderrLogger(flags.logLevel));
        return;
      }
      await withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
        const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        const progress = new ProgressLine(process.stderr);
        let n = 0;
        const describe = () => `replayed ${n} images from ${file} to ${hosts.join(', ')}`;
        // A bad file ends the upload cleanly; its error (naming file and record) is reported as is.
        let fileError: unknown;
        async function* images(): AsyncGenerator<PanoImage> {
          try {
            for await (const r of paced(file, flags.speed ?? 1, controller.signal)) {
              yield r.image;
              n++;
              progress.update(describe());
            }
          } catch (e) {
            if (!controller.signal.aborted) fileError = e;
          }
        }
        try {
          // An UploadError (which hosts failed, with their gRPC codes) is mapped to its exit code by exitReport.
          await ctx.client.uploadImages(hosts, images());
        } catch (e) {
          if (!controller.signal.aborted) throw e;
        } finally {
          process.off('SIGINT', stop);
          progress.done(describe());
        }
        if (fileError !== undefined) throw fileError;
      });
    });
}
