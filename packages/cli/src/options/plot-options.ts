// Options of the live terminal plots.
import { Option, type Command } from 'commander';
import { parseColourFlag, type ColourMode } from '../plot/colour-mode.js';
import { argParser, parsePositiveNumber } from './option-parsers.js';

export interface PlotFlags {
  refreshPeriod: number;
  /** 'auto', a mode, or false for --no-color. */
  color: ColourMode | 'auto' | false;
}

export function addPlotOptions(cmd: Command, { colour }: { colour: boolean }): Command {
  cmd.option('--refresh-period <seconds>', 'redraw (and request images) every this many seconds', argParser(parsePositiveNumber), 1);
  if (!colour) return cmd;
  return cmd
    .addOption(new Option('--color <mode>', 'auto, truecolor (24-bit), 256 (grey ramp) or none').default('auto').argParser(argParser(parseColourFlag)))
    .option('--no-color', 'no colour (as does a non-empty NO_COLOR)');
}
