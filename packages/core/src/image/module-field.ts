// What a heat map shows: a module's 32x32 field of pixel values, NaN where there is no data.
// Movie and ph1024 frames already are the module field. A ph256 event is one quadrant board
// (quabo) of 16x16 pixels and is drawn in its quadrant with the board's rotation undone, by
// placeQuaboImage (PANOSETI's mapping: quabo 0 upper left, 1 upper right,
// 2 lower right, 3 lower left), so the event lines up with the same sky in the module's movie
// frames.
import { MODULE_SIZE, QUABO_SIZE, placeQuaboImage } from './quabo-quadrant.js';

/** A rows x cols shape. */
export interface Grid {
  readonly rows: number;
  readonly cols: number;
  /** Row-major; NaN marks a pixel without data. */
  readonly values: Float64Array;
}

/** The image fields a heat map needs (ParsedImage has them). */
export interface FieldSource {
  readonly shape: readonly [number, number] | readonly number[];
  readonly pixels: ArrayLike<number>;
  readonly quabo?: number | undefined;
}

/** The grid a heat map draws for an image: a 16x16 quabo event placed in its quadrant, anything else as is. */
export function moduleField(image: FieldSource): Grid {
  const rows = image.shape[0]!;
  const cols = image.shape[1]!;
  if (rows === QUABO_SIZE && cols === QUABO_SIZE && image.quabo !== undefined) {
    const values = placeQuaboImage(image.pixels, image.quabo, new Float64Array(MODULE_SIZE * MODULE_SIZE).fill(NaN));
    return { rows: MODULE_SIZE, cols: MODULE_SIZE, values };
  }
  return { rows, cols, values: Float64Array.from(image.pixels) };
}

/** An empty module field (no frame yet). */
export function emptyField(rows = MODULE_SIZE, cols = MODULE_SIZE): Grid {
  return { rows, cols, values: new Float64Array(rows * cols).fill(NaN) };
}
