// Which colour encoding the terminal gets. Decided once from the environment and flags, so
// every renderer below is a pure function of (data, mode).

export type ColourMode = 'truecolor' | '256' | 'none';

export interface ColourEnvironment {
  /** process.env */
  env: Readonly<Record<string, string | undefined>>;
  /** Colour depth the output stream reports (tty.WriteStream.getColorDepth), or undefined when not a TTY. */
  colourDepth: number | undefined;
  /** --color <mode> (auto when absent), false for --no-color. */
  flag: ColourMode | 'auto' | false;
}

export function chooseColourMode({ env, colourDepth, flag }: ColourEnvironment): ColourMode {
  if (flag === false) return 'none';
  if (flag !== 'auto') return flag;
  // https://no-color.org: any non-empty NO_COLOR disables colour.
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 'none';
  const colorterm = (env.COLORTERM ?? '').toLowerCase();
  if (colorterm === 'truecolor' || colorterm === '24bit') return 'truecolor';
  if (colourDepth !== undefined && colourDepth >= 24) return 'truecolor';
  if (colourDepth !== undefined && colourDepth >= 8) return '256';
  if (/256col/.test(env.TERM ?? '')) return '256';
  return colourDepth === undefined ? 'none' : '256';
}

export function parseColourFlag(value: string): ColourMode | 'auto' {
  if (value === 'auto' || value === 'truecolor' || value === '256' || value === 'none') return value;
  throw new Error(`--color: "${value}" is not one of auto, truecolor, 256, none`);
}
