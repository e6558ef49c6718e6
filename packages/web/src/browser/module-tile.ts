// One tile per module: "module N", its movie and pulse-height maps side by side (each with a
// colour bar and its limits), node, run and file, frame number, frame time (flagged when the
// White Rabbit clock is not synchronised), data rate beside display rate, the pulse-height
// histogram, and a rate strip (the module's data rate over the last minute). Data attributes
// carry what a test or a bench reads back (limits, frame, file, the strip's rates).
import { dataRate, dataRateHistory, formatRate, frameRate, histogram, isQuiet, logHeight, MODULE_SIZE, QUABO_SIZE, quaboQuadrant, RATE_HISTORY_MS, runOf, type ColourMapName } from '@daqdata/core/browser';
import { KindTrack, tileField } from '../model/tile-track.js';
import type { TileImage } from '../shared/image-message.js';
import { drawColourBar, drawField, outlineQuadrant } from './heat-map.js';

export const TILE_SCALE = 4;
/** Parts of the rate strip's minute (2 s each). */
export const RATE_STRIP_BUCKETS = 30;
const KINDS = ['movie', 'pulse-height'] as const;
type Kind = (typeof KINDS)[number];

interface MapView {
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  bar: HTMLCanvasElement;
  hi: HTMLElement;
  lo: HTMLElement;
  meta: HTMLElement;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class ModuleTile {
  readonly root: HTMLElement;
  readonly tracks: Record<Kind, KindTrack> = { movie: new KindTrack(), 'pulse-height': new KindTrack() };
  readonly #maps: Record<Kind, MapView>;
  readonly #node: HTMLElement;
  readonly #hist: HTMLCanvasElement;
  readonly #histLabel: HTMLElement;
  readonly #rates: HTMLCanvasElement;
  readonly #ratesLabel: HTMLElement;
  #dirty = new Set<Kind>();
  #barMap: ColourMapName | undefined;

  constructor(readonly moduleId: number, onOpen: (tile: ModuleTile) => void) {
    this.root = el('div', 'tile');
    this.root.dataset.module = String(moduleId);
    const title = el('h3', undefined, `module ${moduleId}`);
    title.append(el('span', 'quiet-note', 'quiet'));
    this.#node = el('div', 'meta');
    const maps = el('div', 'maps');
    this.#maps = { movie: this.#mapView('movie'), 'pulse-height': this.#mapView('pulse-height') };
    maps.append(this.#maps.movie.root, this.#maps['pulse-height'].root);
    this.#hist = el('canvas', 'hist');
    this.#hist.width = 2 * MODULE_SIZE * TILE_SCALE + 40;
    this.#hist.height = 48;
    this.#histLabel = el('div', 'meta', 'pulse heights: none yet');
    this.#rates = el('canvas', 'rates');
    this.#rates.width = this.#hist.width;
    this.#rates.height = 28;
    this.#ratesLabel = el('div', 'meta rates-label', 'data rate, last minute: none yet');
    this.root.append(title, this.#node, maps, this.#hist, this.#histLabel, this.#rates, this.#ratesLabel);
    this.root.addEventListener('click', () => onOpen(this));
  }

  #mapView(kind: Kind): MapView {
    const root = el('div', 'map');
    root.dataset.kind = kind;
    const canvas = el('canvas', 'field');
    canvas.width = canvas.height = MODULE_SIZE * TILE_SCALE;
    const bar = el('canvas', 'bar');
    bar.width = 8;
    bar.height = MODULE_SIZE * TILE_SCALE;
    const labels = el('div', 'bar-labels');
    const hi = el('span', undefined, '');
    const lo = el('span', undefined, '');
    labels.append(hi, lo);
    const pair = el('div', 'pair');
    pair.append(canvas, bar, labels);
    const meta = el('div', 'meta', kind === 'movie' ? 'no movie frame yet' : 'no pulse-height event yet');
    root.append(pair, meta);
    return { root, canvas, bar, hi, lo, meta };
  }

  add(img: TileImage, nowMs: number): void {
    const kind = img.kind;
    this.root.dataset.images = String(Number(this.root.dataset.images ?? 0) + 1);
    if (this.tracks[kind].add(img, nowMs)) this.#dirty.add(kind);
    // An image has come: not quiet, now rather than at the next once-a-second check.
    this.root.classList.remove('quiet');
  }

  /** Redraw everything drawn so far (the colour map changed). */
  invalidate(): void {
    for (const k of KINDS) if (this.tracks[k].latest) this.#dirty.add(k);
  }

  get dirty(): boolean {
    return this.#dirty.size > 0;
  }

  /** Draws the kinds that changed; returns the images drawn. */
  draw(nowMs: number, map: ColourMapName): TileImage[] {
    const drawn: TileImage[] = [];
    if (this.#barMap !== map) {
      for (const k of KINDS) drawColourBar(this.#maps[k].bar, map);
      this.#barMap = map;
      for (const k of KINDS) if (this.tracks[k].latest) this.#dirty.add(k);
    }
    for (const kind of this.#dirty) {
      const track = this.tracks[kind];
      const img = track.latest;
      const limits = track.limitsFor(nowMs);
      if (!img || !limits) continue;
      const view = this.#maps[kind];
      drawField(view.canvas, tileField(img), limits, map, TILE_SCALE);
      if (img.quabo !== null && img.rows === QUABO_SIZE) {
        const q = quaboQuadrant(img.quabo);
        outlineQuadrant(view.canvas, q.rowOffset, q.colOffset, QUABO_SIZE, TILE_SCALE);
      }
      Object.assign(view.root.dataset, { lo: String(limits.lo), hi: String(limits.hi), frame: String(img.frameNumber), file: img.file, host: img.host });
      view.hi.textContent = fmt(limits.hi);
      view.lo.textContent = fmt(limits.lo);
      track.drawn(img, nowMs);
      this.#describe(kind, nowMs);
      if (kind === 'pulse-height') this.#drawHistogram();
      drawn.push(img);
    }
    this.#dirty.clear();
    return drawn;
  }

  #describe(kind: Kind, nowMs: number): void {
    const track = this.tracks[kind];
    const img = track.latest!;
    const unit = kind === 'movie' ? 'fps' : 'ev/s';
    const product = img.quabo !== null ? `${img.dataProduct} quabo ${img.quabo}` : img.dataProduct;
    const view = this.#maps[kind];
    view.meta.replaceChildren(
      `${product} · frame ${img.frameNumber}`,
      el('br'),
      timeLabel(img),
      el('br'),
      `data ${formatRate(dataRate(track.samples), unit)} · shown ${formatRate(frameRate(track.drawsMs, nowMs), 'fps')}`,
    );
    this.#node.textContent = `node ${img.host} · run ${runOf(img.file)}`;
    this.#node.title = img.file;
  }

  #drawHistogram(): void {
    const values = this.tracks['pulse-height'].maxima;
    const h = histogram(values, 64);
    const ctx = this.#hist.getContext('2d')!;
    ctx.fillStyle = '#222';
    ctx.fillRect(0, 0, this.#hist.width, this.#hist.height);
    if (!h) return;
    const max = Math.max(...h.counts);
    const bw = this.#hist.width / h.counts.length;
    ctx.fillStyle = '#6ab';
    h.counts.forEach((c, i) => {
      const bh = logHeight(c, max) * (this.#hist.height - 2);
      ctx.fillRect(i * bw, this.#hist.height - bh, Math.max(1, bw - 0.5), bh);
    });
    this.#histLabel.textContent = `event max ${fmt(h.lo)}–${fmt(h.hi)} ADC · ${h.counts.length} bins · log counts (peak ${max}) · ${h.total} events`;
  }

  /**
   * The rate strip: the module's data rate over the last minute, one bar per RATE_STRIP_BUCKETS
   * part (movie frames as bars, pulse-height events as a line, each scaled to its own peak).
   */
  drawRates(): void {
    const movie = dataRateHistory(this.tracks.movie.samples, RATE_HISTORY_MS, RATE_STRIP_BUCKETS);
    const ph = dataRateHistory(this.tracks['pulse-height'].samples, RATE_HISTORY_MS, RATE_STRIP_BUCKETS);
    const c = this.#rates;
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = '#222';
    ctx.fillRect(0, 0, c.width, c.height);
    const bw = c.width / RATE_STRIP_BUCKETS;
    const peak = (rates: (number | null)[]) => Math.max(0, ...rates.filter((r): r is number => r !== null));
    const movieMax = peak(movie);
    ctx.fillStyle = '#6ab';
    movie.forEach((r, i) => {
      if (r === null || movieMax === 0) return;
      const h = Math.max(1, (r / movieMax) * (c.height - 2));
      ctx.fillRect(i * bw, c.height - h, Math.max(1, bw - 0.5), h);
    });
    const phMax = peak(ph);
    ctx.strokeStyle = '#e94';
    ctx.beginPath();
    let drawing = false;
    ph.forEach((r, i) => {
      if (r === null || phMax === 0) {
        drawing = false;
        return;
      }
      const x = (i + 0.5) * bw;
      const y = c.height - 1 - (r / phMax) * (c.height - 2);
      if (drawing) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      drawing = true;
    });
    ctx.stroke();
    c.dataset.movie = JSON.stringify(movie);
    c.dataset.pulseHeight = JSON.stringify(ph);
    const last = (rates: (number | null)[]) => [...rates].reverse().find((r) => r !== null) ?? null;
    this.#ratesLabel.textContent =
      `data rate, last ${RATE_HISTORY_MS / 1000} s: movie ${formatRate(last(movie), 'fps')} (peak ${formatRate(movieMax || null, 'fps')}, bars)` +
      ` · pulse height ${formatRate(last(ph), 'ev/s')} (peak ${formatRate(phMax || null, 'ev/s')}, line)`;
  }

  /** Marks the tile when no image came for a while. */
  checkQuiet(nowMs: number): void {
    const arrivals = [...this.tracks.movie.arrivalsMs, ...this.tracks['pulse-height'].arrivalsMs].sort((a, b) => a - b);
    this.root.classList.toggle('quiet', isQuiet(arrivals, nowMs));
  }

  /** The canvas of a kind (the large view copies from the track, not the canvas). */
  canvas(kind: Kind): HTMLCanvasElement {
    return this.#maps[kind].canvas;
  }
}

function timeLabel(img: TileImage): HTMLElement {
  const span = el('span', img.wrSynchronised ? 'wr' : 'unsync', img.iso ? `${img.iso} ${img.wrSynchronised ? 'WR' : '(WR not synchronised)'}` : 'no frame time');
  return span;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}
