// How many tiles fit, and how big: the largest integer scale at which every tile fits the
// terminal on one page, or scale 1 with the tiles spread over pages when even that is too big
// (an array of 45 modules does not fit any terminal at once).

/** What the layout has to fit. */
export interface TileLayoutInput {
  tiles: number;
  /** Scaled width of a tile at scale 1 (its maps). */
  baseWidth: number;
  /** Columns of a tile that do not scale (the gap between a module's two maps). */
  fixedWidth?: number;
  baseMapHeight: number;
  labelLines: number;
  columns: number;
  rows: number;
  /** Lines above and below the tiles (title, page line, status). */
  reservedLines: number;
  gapColumns?: number;
  maxScale?: number;
}

/** The chosen layout. */
export interface TileLayout {
  scale: number;
  tileWidth: number;
  tileHeight: number;
  perRow: number;
  /** Tiles on one page; 0 when not even one fits (the terminal is too small). */
  perPage: number;
  /** Pages needed for every tile (at least 1). */
  pages: number;
  gapColumns: number;
}

function layoutAt(scale: number, i: TileLayoutInput, gap: number): TileLayout {
  const tileWidth = i.baseWidth * scale + (i.fixedWidth ?? 0);
  const tileHeight = Math.ceil((i.baseMapHeight * scale) / 2) + i.labelLines;
  const perRow = Math.max(0, Math.floor((i.columns + gap) / (tileWidth + gap)));
  // One blank line separates tile rows.
  const rowsAvailable = Math.max(0, Math.floor((i.rows - i.reservedLines + 1) / (tileHeight + 1)));
  const perPage = perRow * rowsAvailable;
  const pages = perPage > 0 ? Math.max(1, Math.ceil(i.tiles / perPage)) : 1;
  return { scale, tileWidth, tileHeight, perRow, perPage, pages, gapColumns: gap };
}

/** The largest scale (up to maxScale, default 4) showing every tile on one page, else scale 1 with pages. */
export function chooseTileLayout(input: TileLayoutInput): TileLayout {
  const gap = input.gapColumns ?? 2;
  for (let scale = input.maxScale ?? 4; scale > 1; scale--) {
    const layout = layoutAt(scale, input, gap);
    if (layout.perPage >= input.tiles) return layout;
  }
  return layoutAt(1, input, gap);
}
