// Regions of interest on a module image and what a frame says inside them: PSI psen's ROIs,
// `[offset_x, size_x, offset_y, size_y]` in pixels (x a column, y a row), each with an optional
// background ROI whose mean is subtracted from the signal scaled by area. Pure and
// browser-safe: the node computes these per frame, the SDK and the CLI validate and name them.

/** psen's order: [offset_x, size_x, offset_y, size_y]. */
export type PsenRect = readonly [offsetX: number, sizeX: number, offsetY: number, sizeY: number];

/** A region of interest: a name, its rectangle, and optionally a background rectangle. */
export interface NamedRoi {
  name: string;
  rect: PsenRect;
  /** Subtracted from the signal, scaled by the ratio of the areas. */
  background?: PsenRect | undefined;
}

/** The largest module image (img16/img8 are 32×32; ph256 16×16, ph1024 32×32). */
export const MAX_IMAGE_SIDE = 32;
/** ROIs in one request: each costs its sums and two profiles on every frame. */
export const MAX_ROIS = 64;
/** Longest ROI name (it is sent back with every record). */
export const MAX_ROI_NAME_LENGTH = 64;

/** Why a set of ROIs is refused: which ROI, which part, which rule. */
export interface RoiProblem {
  /** The ROI's name (or its index when the name itself is the problem). */
  roi: string;
  /** Which part: 'name', 'rect' or 'background'. */
  part: 'name' | 'rect' | 'background' | 'count';
  rule: string;
}

/** The problem as one message naming the ROI and the rule. */
export function formatRoiProblem(p: RoiProblem): string {
  return p.part === 'count' ? p.rule : `ROI ${JSON.stringify(p.roi)}${p.part === 'background' ? ' background' : ''}: ${p.rule}`;
}

/** Why a rectangle does not fit a rows×cols image (offsets ≥ 0, sizes ≥ 1, inside), or null. */
export function rectProblem(rect: PsenRect, rows: number, cols: number): string | null {
  if (!Array.isArray(rect) || rect.length !== 4) return `must be [offset_x, size_x, offset_y, size_y] (4 integers), got ${JSON.stringify(rect)}`;
  const [ox, sx, oy, sy] = rect;
  const names = ['offset_x', 'size_x', 'offset_y', 'size_y'] as const;
  for (let i = 0; i < 4; i++) {
    if (!Number.isSafeInteger(rect[i])) return `${names[i]} ${rect[i]} is not an integer`;
  }
  if (ox < 0) return `offset_x ${ox} is negative (offsets must be ≥ 0)`;
  if (oy < 0) return `offset_y ${oy} is negative (offsets must be ≥ 0)`;
  if (sx < 1) return `size_x ${sx} is below 1 (sizes must be ≥ 1)`;
  if (sy < 1) return `size_y ${sy} is below 1 (sizes must be ≥ 1)`;
  if (ox + sx > cols) return `offset_x ${ox} + size_x ${sx} = ${ox + sx} is beyond the image's ${cols} columns (must be inside the image)`;
  if (oy + sy > rows) return `offset_y ${oy} + size_y ${sy} = ${oy + sy} is beyond the image's ${rows} rows (must be inside the image)`;
  return null;
}

/** The first problem of a set of ROIs on a rows×cols image (default: the largest module image), or null. */
export function roiSetProblem(rois: readonly NamedRoi[], rows = MAX_IMAGE_SIDE, cols = MAX_IMAGE_SIDE): RoiProblem | null {
  if (rois.length === 0) return { roi: '', part: 'count', rule: 'no ROI given: ask for at least one' };
  if (rois.length > MAX_ROIS) return { roi: '', part: 'count', rule: `${rois.length} ROIs given; at most ${MAX_ROIS} are allowed` };
  const seen = new Set<string>();
  for (let i = 0; i < rois.length; i++) {
    const r = rois[i]!;
    if (typeof r.name !== 'string' || r.name.length === 0) return { roi: `#${i}`, part: 'name', rule: 'the name is empty' };
    if (r.name.length > MAX_ROI_NAME_LENGTH) {
      return { roi: `${r.name.slice(0, 16)}…`, part: 'name', rule: `the name has ${r.name.length} characters; at most ${MAX_ROI_NAME_LENGTH} are allowed` };
    }
    if (seen.has(r.name)) return { roi: r.name, part: 'name', rule: 'the name is given twice' };
    seen.add(r.name);
    const rect = rectProblem(r.rect, rows, cols);
    if (rect) return { roi: r.name, part: 'rect', rule: rect };
    if (r.background) {
      const bg = rectProblem(r.background, rows, cols);
      if (bg) return { roi: r.name, part: 'background', rule: bg };
    }
  }
  return null;
}

/** One ROI's figures on one frame. */
export interface RoiStats {
  sum: number;
  mean: number;
  max: number;
  /** Pixels in the ROI (size_x × size_y). */
  pixels: number;
  /** Column sums, size_x of them, left to right. */
  profileX: number[];
  /** Row sums, size_y of them, top to bottom. */
  profileY: number[];
  /** sum − background sum × (area / background area); the sum when there is no background. */
  signal: number;
}

/** Sum of a rectangle of a row-major image. */
function rectSum(pixels: ArrayLike<number>, cols: number, [ox, sx, oy, sy]: PsenRect): number {
  let sum = 0;
  for (let y = oy; y < oy + sy; y++) {
    const row = y * cols;
    for (let x = ox; x < ox + sx; x++) sum += pixels[row + x]!;
  }
  return sum;
}

/** The ROI's stats on a row-major image of `cols` columns; the ROI must fit (see roiSetProblem). */
export function roiStats(pixels: ArrayLike<number>, cols: number, roi: Pick<NamedRoi, 'rect' | 'background'>): RoiStats {
  const [ox, sx, oy, sy] = roi.rect;
  const profileX = new Array<number>(sx).fill(0);
  const profileY = new Array<number>(sy).fill(0);
  let sum = 0;
  let max = -Infinity;
  for (let y = 0; y < sy; y++) {
    const row = (oy + y) * cols + ox;
    let rowSum = 0;
    for (let x = 0; x < sx; x++) {
      const v = pixels[row + x]!;
      rowSum += v;
      profileX[x]! += v;
      if (v > max) max = v;
    }
    profileY[y] = rowSum;
    sum += rowSum;
  }
  const area = sx * sy;
  let signal = sum;
  if (roi.background) {
    const [, bsx, , bsy] = roi.background;
    signal = sum - rectSum(pixels, cols, roi.background) * (area / (bsx * bsy));
  }
  return { sum, mean: sum / area, max, pixels: area, profileX, profileY, signal };
}

/** A key equal for two ROIs exactly when they compute the same numbers (names aside). */
export function roiGeometryKey(roi: Pick<NamedRoi, 'rect' | 'background'>): string {
  return roi.background ? `${roi.rect.join(',')}-${roi.background.join(',')}` : roi.rect.join(',');
}

/** Parses psen's `ox,sx,oy,sy` (as the CLI takes it); throws naming the text. */
export function parseRoiRect(text: string): PsenRect {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 4 || parts.some((p) => !/^-?\d+$/.test(p))) {
    throw new Error(`${JSON.stringify(text)} is not offset_x,size_x,offset_y,size_y (4 integers)`);
  }
  return parts.map(Number) as unknown as PsenRect;
}
