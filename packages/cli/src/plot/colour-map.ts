// The terminal's palettes. 24-bit colour is viridis (perceptually uniform, readable for
// colour-blind users) from @daqdata/core, the same table the browser dashboard draws with;
// terminals with fewer colours get a grey ramp or shading characters.
export { viridis, type Rgb } from '@daqdata/core';

/** Index into the xterm 256-colour grey ramp (232 = darkest .. 255 = lightest) for level t. */
export function greyIndex(t: number): number {
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t));
  return 232 + Math.round(x * 23);
}

/** Shading characters for terminals without colour, darkest first. */
export const SHADES = [' ', '░', '▒', '▓', '█'] as const;

export function shadeChar(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t));
  return SHADES[Math.round(x * (SHADES.length - 1))]!;
}
