// Options of the commands that stream images (stream, record): which images, how often,
// for how long.
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
