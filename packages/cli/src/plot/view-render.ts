// One screen of `daq plot view`: one tile per module, its movie map and pulse-height map side
// by side (never split across rows or pages), each with a colour bar and its limits, frame
// number, frame time, and the module's data rate beside the display rate; the run and node
// above; the modules that do not fit on pages, with the paging keys on screen.
// Pure: the same tracks, size, mode, page and time give the same text.
import { dataRate, emptyField, formatRate, frameRate, isQuiet, MODULE_SIZE, QUABO_SIZE, quaboQuadrant, runOf } from '@daqdata/core';
import { renderColourBar } from './colour-bar.js';
import type { ColourMode } from './colour-mode.js';
import { fitText } from './fit-text.js';
import { heatmapHeight, renderHeatmap } from './heatmap.js';
import { trackLimits, type KindTrack, type ModuleTrack } from './module-track.js';
import { PAGE_KEYS_HELP } from './page-keys.js';
import { chooseTileLayout } from './tile-layout.js';


/** Lines of a module tile besides its maps: the module line above, four label lines below. */
export const LABEL_LINES = 5;
/** Columns between a module's two maps. */
export const MAP_GAP = 2;
/** A kind that has not come this long after the module's first image is reported as not sent. */
export const NO_DATA_AFTER_MS = 10_000;

/** What a screen of the view shows besides the tracks. */
export interface ViewFrameOptions {
  columns: number;
  rows: number;
  mode: ColourMode;
  nowMs: number;
  /** Title line text. */
  title: string;
  /** Lines shown under the maps (connection problems and the like). */
  status: readonly string[];
  /** The page asked for (0-based; clamped to the pages there are). */
  page?: number;
}

/** A rendered screen and the page it shows, so the caller can page on from there. */
export interface ViewScreen {
  lines: string[];
  page: number;
  pages: number;
}

type Which = 'movie' | 'pulseHeight';

/** "2025-08-02 05:32:08.985339 WR": the frame's time to the microsecond and which clock gave it. */
export function frameTimeLabel(time: { iso: string; wrSynchronised: boolean } | null): string {
  if (!time) return 'time unknown';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d{1,6})\d*)?Z$/.exec(time.iso);
  const text = m ? `${m[1]} ${m[2]}${m[3] ? `.${m[3]}` : ''}` : time.iso;
  // Without a White Rabbit lock the time is the DAQ computer's arrival clock.
  return `${text} ${time.wrSynchronised ? 'WR' : 'arr'}`;
}

function what(which: Which): string {
  return which === 'movie' ? 'movie' : 'pulse-height';
}

/**
 * "module 3 sends no movie data" once the module has been heard from for NO_DATA_AFTER_MS
 * without an image of this kind; null while it may still come or once it came.
 */
export function missingKindText(track: ModuleTrack, which: Which, nowMs: number): string | null {
  if (track[which].latest || nowMs - track.firstSeenMs < NO_DATA_AFTER_MS) return null;
  return `module ${track.moduleId} sends no ${what(which)} data`;
}

/** "data 20.0 fps · shown 4.9 fps": the module's rate from frame numbers, and how often the map changed. */
export function rateLabel(kind: KindTrack, which: Which, nowMs: number): string {
  const unit = which === 'movie' ? 'fps' : 'ev/s';
  const quiet = isQuiet(kind.arrivalsMs, nowMs) ? ` · quiet ${Math.round((nowMs - kind.arrivalsMs[kind.arrivalsMs.length - 1]!) / 1000)} s` : '';
  return `data ${formatRate(dataRate(kind.samples), unit)} · shown ${formatRate(frameRate(kind.arrivalsMs, nowMs), 'fps')}${quiet}`;
}

/** The four label lines under a map: product and frame, frame time, rates, colour bar. */
export function tileLabels(track: ModuleTrack, which: Which, width: number, mode: ColourMode, nowMs: number): string[] {
  const kind = track[which];
  const image = kind.latest;
  if (!image) {
    const missing = missingKindText(track, which, nowMs);
    return [missing ?? `no ${what(which)} data yet`, missing ? `nothing in ${Math.round((nowMs - track.firstSeenMs) / 1000)} s` : '', '', ''].map((l) => fitText(l, width));
  }
  const quabo = image.quabo !== undefined ? ` q${image.quabo}` : '';
  const product = `${image.dataProduct}${quabo} · frame ${image.frameNumber}`;
  // The kind's name when there is room (the product names it too: img = movie, ph = pulse height).
  const first = [...`${what(which)} ${product}`].length <= width ? `${what(which)} ${product}` : product;
  return [
    fitText(first, width),
    fitText(frameTimeLabel(image.time), width),
    fitText(rateLabel(kind, which, nowMs), width),
    renderColourBar(trackLimits(kind), width, mode),
  ];
}

/** Words of text in lines of at most width columns. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Map lines of one kind, each exactly width columns: the heat map, or a message where it would be. */
function mapLines(track: ModuleTrack, which: Which, scale: number, width: number, o: ViewFrameOptions): string[] {
  const kind = track[which];
  const rows = heatmapHeight({ rows: MODULE_SIZE }, scale);
  if (!kind.latestField || !kind.latest) {
    const message = missingKindText(track, which, o.nowMs) ?? `waiting for ${what(which)} data`;
    const text = wrap(message, width);
    const top = Math.max(0, Math.floor((rows - text.length) / 2));
    return Array.from({ length: rows }, (_, i) => {
      const line = text[i - top] ?? '';
      return fitText(' '.repeat(Math.max(0, Math.floor((width - line.length) / 2))) + line, width);
    });
  }
  const image = kind.latest;
  // A 16x16 ph256 event fills one quadrant of the 32x32 area: outline it so the rest reads as
  // "not this board", not as dark sky.
  const outline =
    image.quabo !== undefined && image.shape[0] === QUABO_SIZE && image.shape[1] === QUABO_SIZE
      ? { ...quaboQuadrant(image.quabo), rows: QUABO_SIZE, cols: QUABO_SIZE }
      : undefined;
  const map = renderHeatmap(kind.latestField, trackLimits(kind), { scale, mode: o.mode, outline });
  // A map narrower than the tile (a non-square product) is padded on the right.
  const padded = map.map((line) => line + ' '.repeat(Math.max(0, width - kind.latestField!.cols * scale)));
  while (padded.length < rows) padded.push(' '.repeat(width));
  return padded;
}

/** Every line of one module's tile, each exactly tileWidth columns wide. */
function renderModuleTile(track: ModuleTrack, scale: number, tileWidth: number, o: ViewFrameOptions): string[] {
  const mapWidth = MODULE_SIZE * scale;
  const gap = ' '.repeat(MAP_GAP);
  const image = track.movie.latest ?? track.pulseHeight.latest;
  const run = image ? ` · run ${runOf(image.file)}` : '';
  const heading = fitText(`module ${track.moduleId} · ${track.host}${run}`, tileWidth);
  const columns = (['movie', 'pulseHeight'] as const).map((w) => [
    ...mapLines(track, w, scale, mapWidth, o),
    ...tileLabels(track, w, mapWidth, o.mode, o.nowMs),
  ]);
  return [heading, ...columns[0]!.map((line, i) => line + gap + columns[1]![i]!)];
}

/** The screen for page o.page (clamped) of the module tiles. */
export function renderView(tracks: readonly ModuleTrack[], o: ViewFrameOptions): ViewScreen {
  // Title, the page line, and the status lines.
  const reserved = 2 + o.status.length;
  const layout = chooseTileLayout({
    tiles: tracks.length,
    baseWidth: 2 * MODULE_SIZE,
    fixedWidth: MAP_GAP,
    baseMapHeight: MODULE_SIZE,
    labelLines: LABEL_LINES,
    columns: o.columns,
    rows: o.rows,
    reservedLines: reserved,
  });
  const page = Math.min(Math.max(0, o.page ?? 0), layout.pages - 1);
  const lines = [fitText(o.title, o.columns)];
  if (tracks.length === 0) lines.push(fitText('waiting for images…', o.columns));
  else if (layout.perPage === 0) lines.push(fitText(`enlarge the terminal to ${layout.tileWidth}×${layout.tileHeight + reserved}`, o.columns));
  const first = page * layout.perPage;
  const onPage = tracks.slice(first, first + layout.perPage);
  const gap = ' '.repeat(layout.gapColumns);
  for (let start = 0; start < onPage.length; start += layout.perRow) {
    if (start > 0) lines.push('');
    const rendered = onPage.slice(start, start + layout.perRow).map((t) => renderModuleTile(t, layout.scale, layout.tileWidth, o));
    for (let line = 0; line < layout.tileHeight; line++) lines.push(rendered.map((r) => r[line]!).join(gap));
  }
  if (tracks.length > 0 && layout.perPage > 0) {
    const range = onPage.length > 1 ? `modules ${onPage[0]!.moduleId}–${onPage[onPage.length - 1]!.moduleId}` : `module ${onPage[0]!.moduleId}`;
    const keys = layout.pages > 1 ? ` · ${PAGE_KEYS_HELP}` : '';
    lines.push(fitText(`page ${page + 1} of ${layout.pages} · ${range} (${tracks.length} modules)${keys}`, o.columns));
  }
  for (const s of o.status) lines.push(fitText(s, o.columns));
  return { lines, page, pages: layout.pages };
}
