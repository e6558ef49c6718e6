// A grid as terminal text. Two pixel rows share one text row: '▀' with the foreground colour
// for the upper pixel and the background colour for the lower one, so a character cell
// (about twice as tall as wide) shows two square pixels. Without colour, one shading
// character per cell shows the brighter of its two pixels.
import { greyIndex, shadeChar, viridis } from './colour-map.js';
import type { ColourMode } from './colour-mode.js';
import type { Grid } from '@daqdata/core';
import { level, type ColourLimits } from '@daqdata/core';

export const UPPER_HALF = '▀';
export const LOWER_HALF = '▄';
export const RESET = '\x1b[0m';

/** A rectangle of a grid, in pixels. */
export interface PixelRect {
  rowOffset: number;
  colOffset: number;
  rows: number;
  cols: number;
}

/** How a grid is drawn. */
export interface HeatmapOptions {
  /** Terminal columns and half-rows per pixel (an integer >= 1). */
  scale: number;
  mode: ColourMode;
  /**
   * A rectangle to outline with box-drawing lines, drawn in the empty (NaN) cells just outside
   * it: the quadrant a ph256 event fills in its module's 32x32 field.
   */
  outline?: PixelRect | undefined;
}

/** Text columns a grid takes at this scale. */
export function heatmapWidth(grid: Pick<Grid, 'cols'>, scale: number): number {
  return grid.cols * scale;
}

/** Text rows a grid takes at this scale. */
export function heatmapHeight(grid: Pick<Grid, 'rows'>, scale: number): number {
  return Math.ceil((grid.rows * scale) / 2);
}

/** SGR parameter that sets the foreground (ground = 38) or background (48) to level t. */
export function colourParam(t: number, ground: 38 | 48, mode: Exclude<ColourMode, 'none'>): string {
  if (Number.isNaN(t)) return String(ground + 1); // 39 / 49: the terminal's default colour
  if (mode === 'truecolor') return `${ground};2;${viridis(t).join(';')}`;
  return `${ground};5;${greyIndex(t)}`;
}

interface Cell {
  char: string;
  sgr: string | null;
}

function colourCell(upper: number, lower: number, mode: Exclude<ColourMode, 'none'>): Cell {
  if (Number.isNaN(upper) && Number.isNaN(lower)) return { char: ' ', sgr: '39;49' };
  if (Number.isNaN(lower)) return { char: UPPER_HALF, sgr: `${colourParam(upper, 38, mode)};49` };
  if (Number.isNaN(upper)) return { char: LOWER_HALF, sgr: `${colourParam(lower, 38, mode)};49` };
  return { char: UPPER_HALF, sgr: `${colourParam(upper, 38, mode)};${colourParam(lower, 48, mode)}` };
}

function shadeCell(upper: number, lower: number): Cell {
  const present = [upper, lower].filter((t) => !Number.isNaN(t));
  return { char: present.length === 0 ? ' ' : shadeChar(Math.max(...present)), sgr: null };
}

/**
 * Lines of text (with ANSI colour unless mode is 'none'), each heatmapWidth() columns wide.
 * An SGR sequence is written only where the colours change, and every line ends reset.
 */
export function renderHeatmap(grid: Grid, limits: ColourLimits | null, { scale, mode, outline }: HeatmapOptions): string[] {
  const halfRows = grid.rows * scale;
  const width = heatmapWidth(grid, scale);
  const border = outline ? outlineChar(outline, scale) : () => null;
  const levelAt = (halfRow: number, col: number): number => {
    if (halfRow >= halfRows || limits === null) return NaN;
    const v = grid.values[Math.floor(halfRow / scale) * grid.cols + Math.floor(col / scale)]!;
    return level(v, limits);
  };
  const lines: string[] = [];
  for (let y = 0; y < halfRows; y += 2) {
    let line = '';
    let current: string | null = null;
    for (let x = 0; x < width; x++) {
      const upper = levelAt(y, x);
      const lower = levelAt(y + 1, x);
      const edge = Number.isNaN(upper) && Number.isNaN(lower) ? border(y / 2, x) : null;
      const cell = edge !== null ? { char: edge, sgr: mode === 'none' ? null : '39;49' } : mode === 'none' ? shadeCell(upper, lower) : colourCell(upper, lower, mode);
      if (cell.sgr !== null && cell.sgr !== current) {
        line += `\x1b[${cell.sgr}m`;
        current = cell.sgr;
      }
      line += cell.char;
    }
    lines.push(mode === 'none' ? line : line + RESET);
  }
  return lines;
}

/**
 * The box-drawing character at text cell (row, col) of a line around rect (one cell outside
 * it on each side), or null off the line. Sides at the map's edge fall outside and are not drawn.
 */
export function outlineChar(rect: PixelRect, scale: number): (row: number, col: number) => string | null {
  const left = rect.colOffset * scale - 1;
  const right = (rect.colOffset + rect.cols) * scale;
  const top = Math.floor((rect.rowOffset * scale) / 2) - 1;
  const bottom = Math.ceil(((rect.rowOffset + rect.rows) * scale) / 2);
  return (row, col) => {
    const onV = (col === left || col === right) && row >= top && row <= bottom;
    const onH = (row === top || row === bottom) && col >= left && col <= right;
    if (onV && onH) return row === top ? (col === left ? '┌' : '┐') : col === left ? '└' : '┘';
    return onV ? '│' : onH ? '─' : null;
  };
}
