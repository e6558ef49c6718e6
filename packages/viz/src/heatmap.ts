// A camera image as a heat map: one rectangle per pixel, row 0 at the top as the sensor reads
// out, a colour scale with a legend, and pixel axes. 32x32 module images also show the
// quadrant-board boundaries, since each quabo is a separate 16x16 detector, and name each
// quadrant's board with @daqdata/core's quabo-to-quadrant mapping (the one the recorder, the
// simulator and the CLI use), so a hot or dead board can be told from the figure. Colours span
// robust limits by default (core's 1 % and 99.5 % quantiles, as `daq plot view` and `daq web`):
// with min-max scaling one bright star or hot pixel would flatten the rest of the sky.
import { MODULE_SIZE, QUABO_SIZE, QUABOS_PER_MODULE, quaboQuadrant, robustLimits, type ColourLimits } from '@daqdata/core';
import { figureFrame, type FigureSpec } from './render-svg.js';

/** Any row-major image: the SDK's parsed images and the recorder's frames both fit. */
export interface ImageLike {
  shape: readonly number[];
  pixels: ArrayLike<number>;
}

export interface HeatmapOptions {
  title?: string;
  /** Legend title, e.g. 'ADC counts'. */
  valueLabel?: string;
  /** A Vega colour scheme name. */
  scheme?: string;
  /** Approximate side of the plot area in pixels (rounded to whole pixels per image pixel). */
  size?: number;
  /**
   * Pixel values at the bottom and top of the colour scale (values beyond are drawn in the end
   * colours). Default: robust limits of this image (core's robustLimits); 'min-max' spans the
   * image's full range instead.
   */
  limits?: ColourLimits | 'min-max';
}

/** The colour limits a heat map of this image uses: undefined means the full range (min-max, or no finite pixel). */
export function heatmapColourLimits(image: ImageLike, options: Pick<HeatmapOptions, 'limits'> = {}): ColourLimits | undefined {
  if (options.limits === 'min-max') return undefined;
  return options.limits ?? robustLimits([image.pixels]) ?? undefined;
}

export interface PixelDatum {
  row: number;
  col: number;
  value: number;
}

/** How a heat map's colour limits cut an image: pixels drawn in the end colours, and the image's range. */
export interface ColourLimitsUse {
  /** The limits used; undefined when the map spans the full range. */
  limits: ColourLimits | undefined;
  /** Smallest and largest finite pixel (NaN when there is none). */
  min: number;
  max: number;
  /** Finite pixels below the bottom colour and above the top one (0 with the full range). */
  below: number;
  above: number;
  /** Finite pixels. */
  pixels: number;
}

/** What heatmap(image, options) does with the image's values, for a caption or a check. */
export function colourLimitsUse(image: ImageLike, options: Pick<HeatmapOptions, 'limits'> = {}): ColourLimitsUse {
  const limits = heatmapColourLimits(image, options);
  let min = Infinity;
  let max = -Infinity;
  let below = 0;
  let above = 0;
  let pixels = 0;
  for (let i = 0; i < image.pixels.length; i++) {
    const v = image.pixels[i]!;
    if (!Number.isFinite(v)) continue;
    pixels++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (limits && v < limits.lo) below++;
    if (limits && v > limits.hi) above++;
  }
  return pixels ? { limits, min, max, below, above, pixels } : { limits, min: NaN, max: NaN, below, above, pixels };
}

/** Row-major pixels as one datum per pixel; throws when the shape and pixel count disagree. */
export function pixelData(image: ImageLike): PixelDatum[] {
  const [rows, cols] = imageShape(image);
  const data: PixelDatum[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) data.push({ row, col, value: image.pixels[row * cols + col]! });
  }
  return data;
}

export function imageShape(image: ImageLike): [number, number] {
  const [rows, cols] = image.shape;
  if (image.shape.length !== 2 || !Number.isInteger(rows) || !Number.isInteger(cols) || rows! <= 0 || cols! <= 0) {
    throw new RangeError(`heat map: shape ${JSON.stringify(image.shape)} is not [rows, cols] of positive integers`);
  }
  if (image.pixels.length !== rows! * cols!) {
    throw new RangeError(`heat map: ${image.pixels.length} pixels do not fill shape ${rows}x${cols}`);
  }
  return [rows!, cols!];
}

export interface QuaboLabel {
  label: string;
  /** The quadrant's top-left pixel corner. */
  row: number;
  col: number;
}

/** Where each quabo's label goes on a module image: the top-left corner of its quadrant. */
export function quaboLabels(): QuaboLabel[] {
  return Array.from({ length: QUABOS_PER_MODULE }, (_, q) => {
    const { rowOffset, colOffset } = quaboQuadrant(q);
    return { label: `q${q}`, row: rowOffset, col: colOffset };
  });
}

/** A heat map of one image: pixel rectangles, colour legend, pixel axes, quabo boundaries on 32x32 modules. */
export function heatmap(image: ImageLike, options: HeatmapOptions = {}): FigureSpec {
  const [rows, cols] = imageShape(image);
  const limits = heatmapColourLimits(image, options);
  // A whole number of screen pixels per image pixel: fractional cell edges anti-alias into
  // visible seams between neighbouring cells.
  const cell = Math.max(1, Math.round((options.size ?? 320) / Math.max(rows, cols)));
  const pixelAxis = (title: string, extent: number) => ({
    field: title === 'column' ? 'col' : 'row',
    type: 'quantitative' as const,
    scale: { domain: [0, extent], nice: false, zero: false, ...(title === 'row' ? { reverse: true } : {}) },
    axis: { title: `pixel ${title}`, grid: false, values: ticks(extent) },
  });
  const pixels = {
    data: { values: pixelData(image) },
    transform: [
      { calculate: 'datum.col + 1', as: 'col_end' },
      { calculate: 'datum.row + 1', as: 'row_end' },
    ],
    mark: { type: 'rect' as const },
    encoding: {
      x: pixelAxis('column', cols),
      x2: { field: 'col_end' },
      y: pixelAxis('row', rows),
      y2: { field: 'row_end' },
      color: {
        field: 'value',
        type: 'quantitative' as const,
        scale: { scheme: options.scheme ?? 'viridis', ...(limits ? { domain: [limits.lo, limits.hi], clamp: true } : {}) },
        legend: { title: options.valueLabel ?? 'value' },
      },
      tooltip: [{ field: 'row' }, { field: 'col' }, { field: 'value' }],
    },
  };
  const boundary = { type: 'rule' as const, color: 'white', strokeDash: [4, 3], opacity: 0.7 };
  const quaboLayers =
    rows === MODULE_SIZE && cols === MODULE_SIZE
      ? [
          { data: { values: [{ at: QUABO_SIZE }] }, mark: boundary, encoding: { x: { field: 'at', type: 'quantitative' as const } } },
          { data: { values: [{ at: QUABO_SIZE }] }, mark: boundary, encoding: { y: { field: 'at', type: 'quantitative' as const } } },
          {
            data: { values: quaboLabels() },
            mark: { type: 'text' as const, color: 'white', opacity: 0.85, align: 'left' as const, baseline: 'top' as const, dx: 2, dy: 2, fontSize: 10 },
            encoding: { x: { field: 'col', type: 'quantitative' as const }, y: { field: 'row', type: 'quantitative' as const }, text: { field: 'label' } },
          },
        ]
      : [];
  return {
    ...figureFrame(options.title, cell * cols, cell * rows),
    layer: [pixels, ...quaboLayers],
  } as FigureSpec;
}

/** Tick values every 4 pixels (every 8 for large images), always including both edges. */
function ticks(extent: number): number[] {
  const step = extent > 32 ? 8 : 4;
  const values: number[] = [];
  for (let v = 0; v <= extent; v += step) values.push(v);
  if (values[values.length - 1] !== extent) values.push(extent);
  return values;
}
