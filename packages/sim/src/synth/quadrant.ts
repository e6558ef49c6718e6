// Where each quadrant board's 16x16 pixels sit in a module's 32x32 image. We use the plain
// reading order (quabo 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right); the real
// detector's per-quabo rotations are a display concern, not something a simulation must copy.

export const QUADRANT_SIZE = 16;
export const MODULE_SIZE = 32;

export function quadrantOrigin(quabo: number): { row: number; col: number } {
  return { row: (quabo >> 1) * QUADRANT_SIZE, col: (quabo & 1) * QUADRANT_SIZE };
}
