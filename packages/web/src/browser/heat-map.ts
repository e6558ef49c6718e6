// Drawing a module field on a canvas: each data pixel a scale x scale block of the colour the
// map gives its level (core's colour table), NaN (no data, e.g. the three empty quadrants of a
// ph256 event) dark grey. putImageData writes exact bytes, so a test can read them back.
import { colourIndex, colourTable, level, type ColourLimits, type ColourMapName, type Grid } from '@daqdata/core/browser';

const NO_DATA = [0x26, 0x26, 0x26] as const;

export function drawField(canvas: HTMLCanvasElement, field: Grid, limits: ColourLimits, map: ColourMapName, scale: number): void {
  const w = field.cols * scale;
  const h = field.rows * scale;
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(w, h);
  const out = image.data;
  const table = colourTable(map);
  for (let r = 0; r < field.rows; r++) {
    for (let c = 0; c < field.cols; c++) {
      const v = field.values[r * field.cols + c]!;
      const k = colourIndex(level(v, limits)) * 3;
      const rgb = Number.isNaN(v) ? NO_DATA : [table[k]!, table[k + 1]!, table[k + 2]!];
      for (let y = r * scale; y < (r + 1) * scale; y++) {
        for (let x = c * scale; x < (c + 1) * scale; x++) {
          const o = (y * w + x) * 4;
          out[o] = rgb[0]!;
          out[o + 1] = rgb[1]!;
          out[o + 2] = rgb[2]!;
          out[o + 3] = 255;
        }
      }
    }
  }
  ctx.putImageData(image, 0, 0);
}

/** A vertical colour bar, low at the bottom. */
export function drawColourBar(canvas: HTMLCanvasElement, map: ColourMapName): void {
  const ctx = canvas.getContext('2d')!;
  const table = colourTable(map);
  const h = canvas.height;
  for (let y = 0; y < h; y++) {
    const k = colourIndex(1 - y / Math.max(1, h - 1)) * 3;
    ctx.fillStyle = `rgb(${table[k]},${table[k + 1]},${table[k + 2]})`;
    ctx.fillRect(0, y, canvas.width, 1);
  }
}

/** Outlines the quadrant of a ph256 event (quabo q) and, optionally, the quabo boundaries. */
export function outlineQuadrant(canvas: HTMLCanvasElement, rowOffset: number, colOffset: number, side: number, scale: number): void {
  const ctx = canvas.getContext('2d')!;
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 1;
  ctx.strokeRect(colOffset * scale + 0.5, rowOffset * scale + 0.5, side * scale - 1, side * scale - 1);
}

/** The cross between the four quabos of a module image. */
export function drawQuaboBoundaries(canvas: HTMLCanvasElement, quaboSide: number, scale: number): void {
  const ctx = canvas.getContext('2d')!;
  ctx.strokeStyle = '#ffffffcc';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(quaboSide * scale, 0);
  ctx.lineTo(quaboSide * scale, canvas.height);
  ctx.moveTo(0, quaboSide * scale);
  ctx.lineTo(canvas.width, quaboSide * scale);
  ctx.stroke();
}
