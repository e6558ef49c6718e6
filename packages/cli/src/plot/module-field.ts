// What a heat map shows: a module's 32x32 field of pixel values, NaN where there is no data.
// Movie and ph1024 frames already are the module field. A ph256 event is one quadrant board
// (quabo) of 16x16 pixels and is drawn in its quadrant, with the board's mounting rotation
// undone, following PANOSETI's util/image.cpp (panoseti/panoseti, quabo16_to_module16_copy):
//
//   quabo 0: upper left,  quabo 1: upper right,  quabo 2: lower right,  quabo 3: lower left
//
//   quabo 0: module[j][15 - i]       = quabo[i][j]
//   quabo 1: module[15 - i][31 - j]  = quabo[i][j]
//   quabo 2: module[31 - j][16 + i]  = quabo[i][j]
//   quabo 3: module[16 + i][j]       = quabo[i][j]
//
// so the event lines up with the same sky in the module's movie frames.

export const QUABO_SIZE = 16;
export const MODULE_SIZE = 32;

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

/** Module-field position (row, col) of quabo pixel (i, j). */
export function quaboPixelInModule(quabo: number, i: number, j: number): [row: number, col: number] {
  const last = QUABO_SIZE - 1;
  switch (quabo) {
    case 0:
      return [j, last - i];
    case 1:
      return [last - i, MODULE_SIZE - 1 - j];
    case 2:
      return [MODULE_SIZE - 1 - j, QUABO_SIZE + i];
    case 3:
      return [QUABO_SIZE + i, j];
    default:
      throw new RangeError(`quabo_num ${quabo} is not 0-3`);
  }
}

/** The quadrant (top-left corner in the module field) a quabo's pixels land in. */
export function quaboQuadrant(quabo: number): { row: number; col: number } {
  const [r0, c0] = quaboPixelInModule(quabo, 0, 0);
  const [r1, c1] = quaboPixelInModule(quabo, QUABO_SIZE - 1, QUABO_SIZE - 1);
  return { row: Math.min(r0, r1), col: Math.min(c0, c1) };
}

/** The grid a heat map draws for an image: a 16x16 quabo event placed in its quadrant, anything else as is. */
export function moduleField(image: FieldSource): Grid {
  const rows = image.shape[0]!;
  const cols = image.shape[1]!;
  if (rows === QUABO_SIZE && cols === QUABO_SIZE && image.quabo !== undefined) {
    const values = new Float64Array(MODULE_SIZE * MODULE_SIZE).fill(NaN);
    for (let i = 0; i < QUABO_SIZE; i++) {
      for (let j = 0; j < QUABO_SIZE; j++) {
        const [r, c] = quaboPixelInModule(image.quabo, i, j);
        values[r * MODULE_SIZE + c] = image.pixels[i * QUABO_SIZE + j]!;
      }
    }
    return { rows: MODULE_SIZE, cols: MODULE_SIZE, values };
  }
  return { rows, cols, values: Float64Array.from(image.pixels) };
}

/** An empty module field (no frame yet). */
export function emptyField(rows = MODULE_SIZE, cols = MODULE_SIZE): Grid {
  return { rows, cols, values: new Float64Array(rows * cols).fill(NaN) };
}
