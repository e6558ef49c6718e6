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
}

export function addStreamOptions(cmd: Command): Command {
  return cmd
    .option('--no-movie', 'leave out movie-mode images')
    .option('--no-pulse-height', 'leave out pulse-height images')
    .option('--refresh-period <seconds>', 'at most one image per module and type per this many seconds', argParser(parsePositiveNumber), 1)
    .option('--count <n>', 'stop after n images', argParser(parseCount))
    .option('--duration <seconds>', 'stop after this many seconds', argParser(parsePositiveNumber));
}

/** The SDK's stream selection from these flags (plus --module-ids), for the given hosts. */
export function streamSelection(
  flags: StreamFlags & { moduleIds?: number[] },
  hosts: string[],
): Pick<StreamImagesOptions, 'hosts' | 'movie' | 'pulseHeight' | 'updateIntervalSeconds' | 'moduleIds'> {
  return { hosts, movie: flags.movie, pulseHeight: flags.pulseHeight, updateIntervalSeconds: flags.refreshPeriod, moduleIds: flags.moduleIds };
}
