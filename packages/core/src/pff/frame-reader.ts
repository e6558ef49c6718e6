// Incremental frame reading: pure functions over bytes, no I/O. The caller feeds whatever part
// of the file it has; complete frames come out, and `next` says where to resume once more
// bytes arrive. A partial frame at the end is normal (the recorder is mid-write), never an error.
import { decodePixelBlock, pixelsFromBytes, type Pixels } from './data-product.js';
import { PffError } from './errors.js';
import { checkHeaderFields } from './header-fields.js';
import type { FrameHeader } from './header.js';
import { OPEN_BRACE, STAR, parseHeaderJson, type FrameLayout } from './frame-layout.js';

export interface PffFrame {
  /** 0-based frame number in the file. */
  index: number;
  /** File byte offset of the frame's first byte. */
  offset: number;
  header: FrameHeader;
  pixels: Pixels;
  /**
   * The whole frame's bytes: never a view of the caller's buffer (safe after it is reused), but
   * frames from one readFrames call may share a small backing buffer (see FRAMES_PER_BATCH).
   */
  raw: Uint8Array;
}

export interface ReadResult {
  frames: PffFrame[];
  /** File offset where the incomplete rest begins. */
  next: number;
  errors: PffError[];
}

function hex(b: number | undefined): string {
  return b === undefined ? 'end of data' : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/** Checks one complete frame at file offset ctx.offset and returns its header; throws PffError when it is malformed. */
export function checkFrame(frameBytes: Uint8Array, layout: FrameLayout, ctx: { file: string; offset: number }): FrameHeader {
  const { headerLength, frameSize, dataProduct } = layout;
  if (frameBytes.length !== frameSize) {
    throw new PffError('frame-size-mismatch', ctx.file, ctx.offset, `frame is ${frameBytes.length} bytes, expected ${frameSize}`);
  }
  if (frameBytes[0] !== OPEN_BRACE) {
    throw new PffError('header-not-json', ctx.file, ctx.offset, `header does not start with '{' (found ${hex(frameBytes[0])})`);
  }
  if (frameBytes[headerLength] !== STAR) {
    throw new PffError('bad-type-code', ctx.file, ctx.offset + headerLength, `expected '*' after the header, found ${hex(frameBytes[headerLength])}`);
  }
  const json = parseHeaderJson(frameBytes.subarray(0, headerLength));
  if (json === undefined) throw new PffError('header-not-json', ctx.file, ctx.offset, 'header is not valid JSON');
  const checked = checkHeaderFields(json, dataProduct);
  if ('problem' in checked) throw new PffError('bad-header-fields', ctx.file, ctx.offset, checked.problem);
  return checked.header;
}

/** One complete frame at file offset ctx.offset, with its own copies of the bytes; throws PffError when it is malformed. */
export function parseFrame(frameBytes: Uint8Array, layout: FrameLayout, ctx: { file: string; offset: number }): PffFrame {
  const header = checkFrame(frameBytes, layout, ctx);
  return {
    index: Math.floor(ctx.offset / layout.frameSize),
    offset: ctx.offset,
    header,
    pixels: pixelsFromBytes(layout.dataProduct, frameBytes.subarray(layout.headerLength + 1)),
    // new Uint8Array copies (Buffer#slice would return a view) and yields a plain Uint8Array.
    raw: new Uint8Array(frameBytes),
  };
}

/**
 * Frames decoded together share one copy of their bytes and one pixel array (one allocation
 * instead of two per frame: several times faster). The batch is small so that keeping one
 * frame keeps at most this many frames' memory alive.
 */
const FRAMES_PER_BATCH = 64;

/** Decodes the good frames among frameCount frames at `local` in `bytes` (file offset `offset`). */
function decodeBatch(bytes: Uint8Array, local: number, offset: number, frameCount: number, layout: FrameLayout, file: string, out: ReadResult): void {
  const { frameSize, headerLength, dataProduct } = layout;
  const copy = new Uint8Array(frameCount * frameSize);
  copy.set(bytes.subarray(local, local + frameCount * frameSize));
  const good: Array<{ k: number; header: FrameHeader }> = [];
  for (let k = 0; k < frameCount; k++) {
    try {
      good.push({ k, header: checkFrame(copy.subarray(k * frameSize, (k + 1) * frameSize), layout, { file, offset: offset + k * frameSize }) });
    } catch (e) {
      if (!(e instanceof PffError)) throw e;
      out.errors.push(e);
    }
  }
  const pixels = decodePixelBlock(dataProduct, copy, good.map(({ k }) => k * frameSize + headerLength + 1));
  good.forEach(({ k, header }, i) => {
    const frameOffset = offset + k * frameSize;
    out.frames.push({
      index: Math.floor(frameOffset / frameSize),
      offset: frameOffset,
      header,
      pixels: pixels[i]!,
      raw: copy.subarray(k * frameSize, (k + 1) * frameSize),
    });
  });
}

/**
 * Complete frames from file offset `start` in `bytes`, a chunk of the file beginning at file
 * offset `chunkOffset` (0 for a whole buffer). A malformed frame is reported in `errors` and
 * skipped by frameSize, so later frames still come out. The frames do not share memory with
 * `bytes`: the caller may reuse it.
 */
export function readFrames(bytes: Uint8Array, start: number, layout: FrameLayout, ctx: { file: string; chunkOffset?: number }): ReadResult {
  const chunkOffset = ctx.chunkOffset ?? 0;
  if (start < chunkOffset) throw new RangeError(`start ${start} is before the chunk, which begins at file offset ${chunkOffset}`);
  const { frameSize } = layout;
  const complete = Math.max(0, Math.floor((chunkOffset + bytes.length - start) / frameSize));
  const result: ReadResult = { frames: [], next: start + complete * frameSize, errors: [] };
  for (let k = 0; k < complete; k += FRAMES_PER_BATCH) {
    const offset = start + k * frameSize;
    decodeBatch(bytes, offset - chunkOffset, offset, Math.min(FRAMES_PER_BATCH, complete - k), layout, ctx.file, result);
  }
  return result;
}
