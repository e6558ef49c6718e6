// The heat-map palette: viridis, perceptually uniform and readable for colour-blind users,
// as 11 anchor colours (matplotlib's viridis at 0, 0.1, ... 1) interpolated linearly.

export type Rgb = readonly [r: number, g: number, b: number];

const VIRIDIS_ANCHORS: readonly Rgb[] = [
  [0x44, 0x01, 0x54],
  [0x48, 0x24, 0x75],
  [0x41, 0x44, 0x87],
  [0x35, 0x5f, 0x8d],
  [0x2a, 0x78, 0x8e],
  [0x21, 0x91, 0x8c],
  [0x22, 0xa8, 0x84],
  [0x44, 0xbf, 0x70],
  [0x7a, 0xd1, 0x51],
  [0xbd, 0xdf, 0x26],
  [0xfd, 0xe7, 0x25],
];

/** Colour of a level t in [0, 1] (clamped). */
export function viridis(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t)) * (VIRIDIS_ANCHORS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS_ANCHORS.length - 2);
  const f = x - i;
  const a = VIRIDIS_ANCHORS[i]!;
  const b = VIRIDIS_ANCHORS[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + f * (b[k]! - a[k]!))) as unknown as Rgb;
}

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
