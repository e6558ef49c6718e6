// How many maps fit, and how big: the largest integer scale at which every tile fits the
// terminal, or scale 1 with as many tiles as fit when even that is too big.

export interface TileLayoutInput {
  tiles: number;
  /** Tile size at scale 1 (map plus labels). */
  baseWidth: number;
  baseMapHeight: number;
  labelLines: number;
  columns: number;
  rows: number;
  /** Lines above and below the tiles (title, status). */
  reservedLines: number;
  gapColumns?: number;
  maxScale?: number;
}

export interface TileLayout {
  scale: number;
  tileWidth: number;
  tileHeight: number;
  perRow: number;
  /** Tiles shown (the first ones); the rest did not fit. */
  shown: number;
  gapColumns: number;
}

function layoutAt(scale: number, i: TileLayoutInput, gap: number): TileLayout {
  const tileWidth = i.baseWidth * scale;
  const tileHeight = Math.ceil((i.baseMapHeight * scale) / 2) + i.labelLines;
  const perRow = Math.max(0, Math.floor((i.columns + gap) / (tileWidth + gap)));
  // One blank line separates tile rows.
  const rowsAvailable = Math.max(0, Math.floor((i.rows - i.reservedLines + 1) / (tileHeight + 1)));
  const shown = Math.min(i.tiles, perRow * rowsAvailable);
  return { scale, tileWidth, tileHeight, perRow, shown, gapColumns: gap };
}

export function chooseTileLayout(input: TileLayoutInput): TileLayout {
  const gap = input.gapColumns ?? 2;
  for (let scale = input.maxScale ?? 4; scale > 1; scale--) {
    const layout = layoutAt(scale, input, gap);
    if (layout.shown === input.tiles) return layout;
  }
  return layoutAt(1, input, gap);
}
