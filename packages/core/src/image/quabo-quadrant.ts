// Where each quadrant board (quabo) sits in its module's 32x32 image: the one mapping every
// package uses (the simulator assembling ph1024 frames, the CLI and figures placing a ph256
// event). It is PANOSETI's, from util/image.cpp (quabo16_to_module16_copy), which assembles
// the module images the recorder writes:
//
//   quabo 0: upper left,  quabo 1: upper right,  quabo 2: lower right,  quabo 3: lower left
//
//   quabo 0: module[j][15 - i]       = quabo[i][j]
//   quabo 1: module[15 - i][31 - j]  = quabo[i][j]
//   quabo 2: module[31 - j][16 + i]  = quabo[i][j]
//   quabo 3: module[16 + i][j]       = quabo[i][j]
//
// The four boards are identical and mounted on the module board turned by a quarter turn each,
// so the mapping undoes each board's rotation: pixel (i, j) of quabo q + 1 lands where pixel
// (i, j) of quabo q lands, turned 90 degrees clockwise about the module centre. A ph256 event
// placed this way lines up with the same sky in the module's movie frames.

/** Side of one quabo's image (ph256). */
export const QUABO_SIZE = 16;
/** Side of a module's image (img16, img8, ph1024). */
export const MODULE_SIZE = 32;
export const QUABOS_PER_MODULE = 4;

/** Top-left corner, in the module image, of the quadrant a quabo's pixels land in. */
export interface QuadrantOffset {
  rowOffset: number;
  colOffset: number;
}

function checkQuabo(quabo: number): void {
  if (!Number.isInteger(quabo) || quabo < 0 || quabo >= QUABOS_PER_MODULE) {
    throw new RangeError(`quabo_num ${quabo} is not 0-${QUABOS_PER_MODULE - 1}`);
  }
}

/** Module-image position (row, col) of pixel (i, j) (row i, column j) of quabo `quabo`'s 16x16 image. */
export function quaboPixelInModule(quabo: number, i: number, j: number): [row: number, col: number] {
  checkQuabo(quabo);
  const last = QUABO_SIZE - 1;
  switch (quabo) {
    case 0:
      return [j, last - i];
    case 1:
      return [last - i, MODULE_SIZE - 1 - j];
    case 2:
      return [MODULE_SIZE - 1 - j, QUABO_SIZE + i];
    default:
      return [QUABO_SIZE + i, j];
  }
}

/** The quadrant of the module image that quabo `quabo` fills. */
export function quaboQuadrant(quabo: number): QuadrantOffset {
  const [r0, c0] = quaboPixelInModule(quabo, 0, 0);
  const [r1, c1] = quaboPixelInModule(quabo, QUABO_SIZE - 1, QUABO_SIZE - 1);
  return { rowOffset: Math.min(r0, r1), colOffset: Math.min(c0, c1) };
}

/** The quabo whose pixel a module-image pixel (row, col) is. */
export function quaboAtModulePixel(row: number, col: number): number {
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= MODULE_SIZE || col >= MODULE_SIZE) {
    throw new RangeError(`module pixel (${row}, ${col}) is outside the ${MODULE_SIZE}x${MODULE_SIZE} image`);
  }
  const lower = row >= QUABO_SIZE;
  const right = col >= QUABO_SIZE;
  // Clockwise from the upper left, as the boards are numbered.
  return lower ? (right ? 2 : 3) : right ? 1 : 0;
}

/** Anything indexable and writable of a known length: typed arrays and plain arrays. */
export interface WritablePixels {
  readonly length: number;
  [index: number]: number;
}

/**
 * Copies quabo `quabo`'s 16x16 row-major image into its quadrant of a 32x32 row-major module
 * image, undoing the board's rotation; the other quadrants are left as they are. Returns `module`.
 */
export function placeQuaboImage<T extends WritablePixels>(quaboPixels: ArrayLike<number>, quabo: number, module: T): T {
  checkQuabo(quabo);
  if (quaboPixels.length !== QUABO_SIZE * QUABO_SIZE) {
    throw new RangeError(`quabo ${quabo} image has ${quaboPixels.length} pixels, expected ${QUABO_SIZE}x${QUABO_SIZE} = ${QUABO_SIZE * QUABO_SIZE}`);
  }
  if (module.length !== MODULE_SIZE * MODULE_SIZE) {
    throw new RangeError(`module image has ${module.length} pixels, expected ${MODULE_SIZE}x${MODULE_SIZE} = ${MODULE_SIZE * MODULE_SIZE}`);
  }
  for (let i = 0; i < QUABO_SIZE; i++) {
    for (let j = 0; j < QUABO_SIZE; j++) {
      const [row, col] = quaboPixelInModule(quabo, i, j);
      module[row * MODULE_SIZE + col] = quaboPixels[i * QUABO_SIZE + j]!;
    }
  }
  return module;
}
