// The large view of one module: its movie and pulse-height maps at 16 screen pixels per data
// pixel, the cross between the four quabos, and on hover the row, column, quabo and value of
// the pixel under the pointer.
import { tileField } from '../model/tile-track.js';
import { MODULE_SIZE, QUABO_SIZE, quaboAtModulePixel, type ColourMapName, type Grid } from '@daqdata/core/browser';
import type { ModuleTile } from './module-tile.js';
import { drawField, drawQuaboBoundaries } from './heat-map.js';

export const LARGE_SCALE = 16;

export class LargeView {
  readonly #root: HTMLElement;
  readonly #title: HTMLElement;
  readonly #hover: HTMLElement;
  readonly #maps: HTMLElement;
  #tile: ModuleTile | undefined;
  readonly #canvases = new Map<string, { canvas: HTMLCanvasElement; field: Grid | undefined }>();

  constructor(root: HTMLElement) {
    this.#root = root;
    this.#title = root.querySelector('h2')!;
    this.#hover = root.querySelector('#hover')!;
    this.#maps = root.querySelector('.large-maps')!;
    root.querySelector('#large-close')!.addEventListener('click', () => this.close());
    document.addEventListener('keydown', (e) => e.key === 'Escape' && this.close());
  }

  get module(): number | undefined {
    return this.#tile?.moduleId;
  }

  open(tile: ModuleTile, map: ColourMapName): void {
    this.#tile = tile;
    this.#title.textContent = `module ${tile.moduleId}`;
    this.#maps.replaceChildren();
    this.#canvases.clear();
    for (const kind of ['movie', 'pulse-height'] as const) {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = MODULE_SIZE * LARGE_SCALE;
      canvas.dataset.kind = kind;
      const entry = { canvas, field: undefined as Grid | undefined };
      canvas.addEventListener('mousemove', (e) => this.#showPixel(kind, entry.field, e));
      this.#canvases.set(kind, entry);
      const box = document.createElement('div');
      box.append(kind, document.createElement('br'), canvas);
      this.#maps.append(box);
    }
    this.#root.hidden = false;
    this.redraw(map);
  }

  close(): void {
    this.#root.hidden = true;
    this.#tile = undefined;
  }

  redraw(map: ColourMapName): void {
    if (!this.#tile) return;
    for (const [kind, entry] of this.#canvases) {
      const track = this.#tile.tracks[kind as 'movie' | 'pulse-height'];
      // What the tile shows, with the limits it drew with.
      const limits = track.limits;
      if (!track.shown || !limits) continue;
      entry.field = tileField(track.shown);
      drawField(entry.canvas, entry.field, limits, map, LARGE_SCALE);
      drawQuaboBoundaries(entry.canvas, QUABO_SIZE, LARGE_SCALE);
    }
  }

  #showPixel(kind: string, field: Grid | undefined, e: MouseEvent): void {
    if (!field) return;
    const rect = (e.target as HTMLCanvasElement).getBoundingClientRect();
    const col = Math.floor(((e.clientX - rect.left) / rect.width) * field.cols);
    const row = Math.floor(((e.clientY - rect.top) / rect.height) * field.rows);
    if (row < 0 || col < 0 || row >= field.rows || col >= field.cols) return;
    const v = field.values[row * field.cols + col]!;
    const quabo = field.rows === MODULE_SIZE && field.cols === MODULE_SIZE ? ` · quabo ${quaboAtModulePixel(row, col)}` : '';
    this.#hover.textContent = `${kind} row ${row} col ${col}${quabo} · ${Number.isNaN(v) ? 'no data' : `${v} ADC`}`;
  }
}
