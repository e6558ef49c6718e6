// One screen of `daq plot view`: per module, the latest movie frame and the latest
// pulse-height event as heat maps, each with module id, frame time and rate underneath.
// Pure: the same tracks, size, mode and time give the same text.
import { MODULE_SIZE } from '@daqdata/core';
import { formatRate, frameRate } from '@daqdata/core';
import { heatmapHeight, renderHeatmap } from './heatmap.js';
import { emptyField } from '@daqdata/core';
import { trackLimits, type KindTrack, type ModuleTrack } from './module-track.js';
import type { ColourMode } from './colour-mode.js';
import { chooseTileLayout } from './tile-layout.js';

export const LABEL_LINES = 3;

export interface ViewFrameOptions {
  columns: number;
  rows: number;
  mode: ColourMode;
  nowMs: number;
  /** Title line text. */
  title: string;
  /** Lines shown under the maps (connection problems and the like). */
  status: readonly string[];
}

/** Fit plain text to exactly width columns. */
export function fitText(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? chars.slice(0, width).join('') : text + ' '.repeat(width - chars.length);
}

/** "2025-08-02 05:32:08.985339 WR": the frame's time to the microsecond and which clock gave it. */
export function frameTimeLabel(time: { iso: string; wrSynchronised: boolean } | null): string {
  if (!time) return 'time unknown';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d{1,6})\d*)?Z$/.exec(time.iso);
  const text = m ? `${m[1]} ${m[2]}${m[3] ? `.${m[3]}` : ''}` : time.iso;
  // Without a White Rabbit lock the time is the DAQ computer's arrival clock.
  return `${text} ${time.wrSynchronised ? 'WR' : 'arr'}`;
}

function formatLimit(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** The three label lines under a map. */
export function tileLabels(track: ModuleTrack, which: 'movie' | 'pulseHeight', nowMs: number): string[] {
  const kind: KindTrack = track[which];
  const image = kind.latest;
  const what = which === 'movie' ? 'movie' : 'pulse height';
  if (!image) return [`M${track.moduleId} ${what}`, 'no frame yet', ''];
  const quabo = image.quabo !== undefined ? ` q${image.quabo}` : '';
  const limits = trackLimits(kind);
  const limitText = limits ? `  ${formatLimit(limits.lo)}..${formatLimit(limits.hi)}` : '';
  return [
    `M${track.moduleId} ${what} ${image.dataProduct}${quabo}`,
    frameTimeLabel(image.time),
    `${formatRate(frameRate(kind.arrivalsMs, nowMs))}${limitText}`,
  ];
}

/** Map lines plus labels of one tile, every line exactly width columns wide. */
function renderTile(track: ModuleTrack, which: 'movie' | 'pulseHeight', scale: number, width: number, o: ViewFrameOptions): string[] {
  const kind = track[which];
  const field = kind.latestField ?? emptyField();
  const map = renderHeatmap(field, trackLimits(kind), { scale, mode: o.mode });
  // A map narrower than the tile (a non-square product) is padded on the right.
  const padded = map.map((line) => line + ' '.repeat(Math.max(0, width - field.cols * scale)));
  const rows = heatmapHeight({ rows: MODULE_SIZE }, scale);
  while (padded.length < rows) padded.push(' '.repeat(width));
  return [...padded, ...tileLabels(track, which, o.nowMs).map((l) => fitText(l, width))];
}

export function renderView(tracks: readonly ModuleTrack[], o: ViewFrameOptions): string[] {
  const tiles = tracks.flatMap((t) => [
    { track: t, which: 'movie' as const },
    { track: t, which: 'pulseHeight' as const },
  ]);
  const reserved = 1 + o.status.length + 1;
  const layout = chooseTileLayout({
    tiles: tiles.length,
    baseWidth: MODULE_SIZE,
    baseMapHeight: MODULE_SIZE,
    labelLines: LABEL_LINES,
    columns: o.columns,
    rows: o.rows,
    reservedLines: reserved,
  });
  const lines = [fitText(o.title, o.columns)];
  if (tiles.length === 0) lines.push(fitText('waiting for images…', o.columns));
  const gap = ' '.repeat(layout.gapColumns);
  for (let start = 0; start < layout.shown; start += layout.perRow) {
    const row = tiles.slice(start, Math.min(start + layout.perRow, layout.shown));
    const rendered = row.map((t) => renderTile(t.track, t.which, layout.scale, layout.tileWidth, o));
    for (let line = 0; line < layout.tileHeight; line++) lines.push(rendered.map((r) => r[line]!).join(gap));
    lines.push('');
  }
  if (layout.shown < tiles.length) {
    lines.push(fitText(`${tiles.length - layout.shown} of ${tiles.length} maps not shown: enlarge the terminal`, o.columns));
  }
  for (const s of o.status) lines.push(fitText(s, o.columns));
  return lines;
}
