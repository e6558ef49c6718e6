// Frames that travel as the file holds them: a node's PffFrameRun is consecutive frames of one
// PFF file, all of one size. They are checked and decoded as a file's frames are (checkFrame,
// then decodePixelBlock: one pixel block for the frames decoded together), so a frame from the
// wire and the same frame read from the disk cannot differ. Pure: the SDK's every-frame stream
// calls it on each run.
import { DATA_PRODUCTS, decodePixelBlock, pixelByteLength, type Pixels } from './data-product.js';
import { PffError, isPffError } from './errors.js';
import { classifyFile } from './file-name.js';
import { MAX_HEADER_BYTES, frameLayoutFor, type FrameLayout } from './frame-layout.js';
import { checkFrame } from './frame-reader.js';
import type { FrameHeader } from './header.js';

/** A checked frame of a run: its header and typed pixels (a view of a block shared with the frames decoded with it). */
export interface RunFrame {
  header: FrameHeader;
  pixels: Pixels;
}

/**
 * The layout of `count` frames in `frames`, of the data product the file name gives, or the
 * PffError saying why the bytes cannot be that (a file name that is not a PFF data file's, a
 * length that is not `count` frames of one size, a frame size that leaves no header).
 */
export function frameRunLayout(file: string, frames: Uint8Array, count: number): FrameLayout | PffError {
  const frameSize = count > 0 ? frames.length / count : 0;
  const key = `${frameSize}/${file}`;
  // A node sends a file's frames in many runs: its name is parsed and its layout made once (the
  // file's data product and the frame size decide it; a fractional size is never remembered).
  const known = layouts.get(key);
  if (known) return known;
  const layout = newRunLayout(file, frames, count);
  if (!(layout instanceof PffError)) {
    if (layouts.size >= MAX_REMEMBERED_LAYOUTS) layouts.clear();
    layouts.set(key, layout);
  }
  return layout;
}

/** Layouts of the files whose runs arrived last, by frame size and file name. */
const layouts = new Map<string, FrameLayout>();
const MAX_REMEMBERED_LAYOUTS = 64;

function newRunLayout(file: string, frames: Uint8Array, count: number): FrameLayout | PffError {
  const cls = classifyFile(file);
  if (cls.kind !== 'frames') return new PffError('bad-file-name', file, 0, cls.reason);
  const dp = DATA_PRODUCTS[cls.name.dataProduct];
  if (count === 0 || frames.length % count !== 0) {
    return new PffError('frame-size-mismatch', file, 0, `${frames.length} bytes are not ${count} frames of one size`);
  }
  const frameSize = frames.length / count;
  const headerLength = frameSize - 1 - pixelByteLength(dp);
  if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
    return new PffError('frame-size-mismatch', file, 0, `frames of ${frameSize} bytes do not hold a header, '*' and ${pixelByteLength(dp)} ${dp.name} pixel bytes`);
  }
  return frameLayoutFor(dp, frames.subarray(0, headerLength));
}

/**
 * Frames `from` .. `to` - 1 of a run laid out as `layout`, each checked (its error, naming the
 * file and the frame's byte offset in it, in its place when it is malformed); the good frames'
 * pixels are decoded into one block.
 */
export function decodeRunFrames(frames: Uint8Array, layout: FrameLayout, from: number, to: number, ctx: { file: string; firstFrameNumber: number }): Array<RunFrame | PffError> {
  const { frameSize, headerLength, dataProduct } = layout;
  const out: Array<RunFrame | PffError> = [];
  const starts: number[] = [];
  const good: number[] = [];
  for (let k = from; k < to; k++) {
    const start = k * frameSize;
    try {
      const header = checkFrame(frames.subarray(start, start + frameSize), layout, { file: ctx.file, offset: (ctx.firstFrameNumber + k) * frameSize });
      good.push(out.length);
      starts.push(start + headerLength + 1);
      out.push({ header, pixels: undefined as unknown as Pixels });
    } catch (err) {
      if (!isPffError(err)) throw err;
      out.push(err);
    }
  }
  const pixels = decodePixelBlock(dataProduct, frames, starts);
  good.forEach((at, i) => ((out[at] as RunFrame).pixels = pixels[i]!));
  return out;
}
