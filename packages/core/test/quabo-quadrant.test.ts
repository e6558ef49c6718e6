// The quabo-to-quadrant mapping every package shares, checked against PANOSETI's
// util/image.cpp: the quadrants, the per-board rotation, and placing a ph256 image.
import { describe, expect, it } from 'vitest';
import { MODULE_SIZE, QUABO_SIZE, placeQuaboImage, quaboAtModulePixel, quaboPixelInModule, quaboQuadrant } from '../src/index.js';

const QUABOS = [0, 1, 2, 3];

describe('quaboQuadrant', () => {
  it('is the PANOSETI order: 0 upper left, 1 upper right, 2 lower right, 3 lower left', () => {
    expect(QUABOS.map(quaboQuadrant)).toEqual([
      { rowOffset: 0, colOffset: 0 },
      { rowOffset: 0, colOffset: 16 },
      { rowOffset: 16, colOffset: 16 },
      { rowOffset: 16, colOffset: 0 },
    ]);
  });

  it('rejects a quabo_num outside 0-3, naming it', () => {
    for (const bad of [-1, 4, 1.5, NaN]) expect(() => quaboQuadrant(bad)).toThrow(new RangeError(`quabo_num ${bad} is not 0-3`));
  });
});

describe('quaboPixelInModule', () => {
  it("follows image.cpp's copies (module[j][15-i], [15-i][31-j], [31-j][16+i], [16+i][j] = quabo[i][j])", () => {
    for (const [i, j] of [[0, 0], [0, 5], [7, 3], [15, 15]] as const) {
      expect(quaboPixelInModule(0, i, j)).toEqual([j, 15 - i]);
      expect(quaboPixelInModule(1, i, j)).toEqual([15 - i, 31 - j]);
      expect(quaboPixelInModule(2, i, j)).toEqual([31 - j, 16 + i]);
      expect(quaboPixelInModule(3, i, j)).toEqual([16 + i, j]);
    }
  });

  it('maps the four boards onto every module pixel exactly once, each inside its own quadrant', () => {
    const seen = new Set<number>();
    for (const q of QUABOS) {
      const { rowOffset, colOffset } = quaboQuadrant(q);
      for (let i = 0; i < QUABO_SIZE; i++) {
        for (let j = 0; j < QUABO_SIZE; j++) {
          const [row, col] = quaboPixelInModule(q, i, j);
          expect(row - rowOffset).toBeGreaterThanOrEqual(0);
          expect(row - rowOffset).toBeLessThan(QUABO_SIZE);
          expect(col - colOffset).toBeGreaterThanOrEqual(0);
          expect(col - colOffset).toBeLessThan(QUABO_SIZE);
          expect(quaboAtModulePixel(row, col)).toBe(q);
          seen.add(row * MODULE_SIZE + col);
        }
      }
    }
    expect(seen.size).toBe(MODULE_SIZE * MODULE_SIZE);
  });

  it('each board is the previous one turned a quarter turn clockwise about the module centre', () => {
    const turn = ([r, c]: [number, number]): [number, number] => [c, MODULE_SIZE - 1 - r];
    for (const q of QUABOS) {
      for (let i = 0; i < QUABO_SIZE; i++) {
        for (let j = 0; j < QUABO_SIZE; j++) expect(quaboPixelInModule((q + 1) % 4, i, j)).toEqual(turn(quaboPixelInModule(q, i, j)));
      }
    }
  });
});

describe('quaboAtModulePixel', () => {
  it('names the quabo of each quadrant and rejects pixels outside the module', () => {
    expect([quaboAtModulePixel(0, 0), quaboAtModulePixel(0, 31), quaboAtModulePixel(31, 31), quaboAtModulePixel(31, 0)]).toEqual([0, 1, 2, 3]);
    expect([quaboAtModulePixel(15, 15), quaboAtModulePixel(15, 16), quaboAtModulePixel(16, 16), quaboAtModulePixel(16, 15)]).toEqual([0, 1, 2, 3]);
    expect(() => quaboAtModulePixel(32, 0)).toThrow(/module pixel \(32, 0\) is outside the 32x32 image/);
    expect(() => quaboAtModulePixel(0, -1)).toThrow(RangeError);
  });
});

describe('placeQuaboImage', () => {
  it('writes a ph256 image into its quadrant only, undoing the rotation', () => {
    for (const q of QUABOS) {
      const pixels = Int16Array.from({ length: 256 }, (_, k) => k + 1);
      const module = placeQuaboImage(pixels, q, new Float64Array(1024).fill(NaN));
      for (let row = 0; row < MODULE_SIZE; row++) {
        for (let col = 0; col < MODULE_SIZE; col++) {
          if (quaboAtModulePixel(row, col) !== q) expect(module[row * MODULE_SIZE + col]).toBeNaN();
        }
      }
      for (let i = 0; i < QUABO_SIZE; i++) {
        for (let j = 0; j < QUABO_SIZE; j++) {
          const [row, col] = quaboPixelInModule(q, i, j);
          expect(module[row * MODULE_SIZE + col]).toBe(pixels[i * QUABO_SIZE + j]);
        }
      }
    }
  });

  it('assembles a module from its four boards into the array it was given, of any numeric kind', () => {
    const module = new Int16Array(1024);
    for (const q of QUABOS) expect(placeQuaboImage(new Int16Array(256).fill(-(q + 1)), q, module)).toBe(module);
    expect(module[0]).toBe(-1); // upper left
    expect(module[31]).toBe(-2); // upper right
    expect(module[1023]).toBe(-3); // lower right
    expect(module[31 * 32]).toBe(-4); // lower left
    const plain = placeQuaboImage(Array.from({ length: 256 }, () => 7), 3, new Array<number>(1024).fill(0));
    expect(plain[16 * 32]).toBe(7);
  });

  it('rejects images of the wrong size and a bad quabo_num, saying which', () => {
    expect(() => placeQuaboImage(new Int16Array(255), 0, new Int16Array(1024))).toThrow('quabo 0 image has 255 pixels, expected 16x16 = 256');
    expect(() => placeQuaboImage(new Int16Array(256), 1, new Int16Array(256))).toThrow('module image has 256 pixels, expected 32x32 = 1024');
    expect(() => placeQuaboImage(new Int16Array(256), 4, new Int16Array(1024))).toThrow('quabo_num 4 is not 0-3');
  });
});
