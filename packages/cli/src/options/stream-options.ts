// Options of the commands that stream images (stream, record): which images, how often,
// for how long.
import type { StreamImagesOptions } from '@daqdata/client';
import type { Command } from 'commander';
import { argParser, parseCount, parsePositiveNumber } from './option-parsers.js';

export interface StreamFlags {
  movie: boolean;
  pulseHeight: boolean;
  refreshPeriod: number;
  count?: number;
  duration?: number;
  everyFrame?: boolean;
}

export function addStreamOptions(cmd: Command): Command {
  return cmd
    .option('--no-movie', 'leave out movie-mode images')
    .option('--no-pulse-height', 'leave out pulse-height images')
    .option('--refresh-period <seconds>', 'at most one image per module and type per this many seconds (not with --every-frame)', argParser(parsePositiveNumber), 1)
    .option('--every-frame', 'every frame, in order, resumed after a reconnect without duplicates; frames that could not be delivered are reported on stderr')
    .option('--count <n>', 'stop after n images', argParser(parseCount))
    .option('--duration <seconds>', 'stop after this many seconds', argParser(parsePositiveNumber));
}

/** The SDK's stream selection from these flags (plus --module-ids), for the given hosts. */
export function streamSelection(
  flags: StreamFlags & { moduleIds?: number[] },
  hosts: string[],
): Pick<StreamImagesOptions, 'hosts' | 'movie' | 'pulseHeight' | 'updateIntervalSeconds' | 'moduleIds' | 'delivery'> {
  const selection = { hosts, movie: flags.movie, pulseHeight: flags.pulseHeight, moduleIds: flags.moduleIds };
  // Every frame: the SDK's own pacing (a waiting stream is woken as frames come), not the preview period.
  return flags.everyFrame ? { ...selection, delivery: 'every-frame' } : { ...selection, updateIntervalSeconds: flags.refreshPeriod };
}
