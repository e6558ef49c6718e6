// Incremental frame reading: pure functions over bytes, no I/O. The caller feeds whatever part
// of the file it has; complete frames come out, and `next` says where to resume once more
// bytes arrive. A partial frame at the end is normal (the recorder is mid-write), never an error.
import { decodePixelBlock, pixelsFromBytes, type Pixels } from './data-product.js';
import { PffError } from './errors.js';
import type { FrameHeader } from './header.js';
import { OPEN_BRACE, STAR, parseHeader, type FrameLayout } from './frame-layout.js';
import { headerWellFormed } from './header-checker.js';
import { scanFrames, skippedRunError, type BadRun, type ScannedFrame } from './frame-scanner.js';

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
  /** File offset where the next read starts (the rest is incomplete, or not yet decided). */
  next: number;
  /** One per run of bytes that were not frames, naming where it starts, its length and where frames resumed. */
  errors: PffError[];
  /** The run of bytes that are not frames `next` lies in: pass it to the next readFrames call. */
  badRun?: BadRun;
}

function hex(b: number | undefined): string {
  return b === undefined ? 'end of data' : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/** Checks one complete frame at file offset ctx.offset and returns its header; throws PffError when it is malformed. */
export function checkFrame(frameBytes: Uint8Array, layout: FrameLayout, ctx: { file: string; offset: number }): FrameHeader {
  const { headerLength, frameSize } = layout;
  if (frameBytes.length !== frameSize) {
    throw new PffError('frame-size-mismatch', ctx.file, ctx.offset, `frame is ${frameBytes.length} bytes, expected ${frameSize}`);
  }
  if (frameBytes[0] !== OPEN_BRACE) {
    throw new PffError('header-not-json', ctx.file, ctx.offset, `header does not start with '{' (found ${hex(frameBytes[0])})`);
  }
  if (frameBytes[headerLength] !== STAR) {
    throw new PffError('bad-type-code', ctx.file, ctx.offset + headerLength, `expected '*' after the header, found ${hex(frameBytes[headerLength])}`);
  }
  const header = parseHeader(frameBytes, 0, layout, ctx);
  if (header instanceof PffError) throw header;
  return header;
}

/**
 * Whether checkFrame is sure to accept this complete frame, decided from the file's first header
 * without parsing this one (header-checker.ts): for a reader that needs no header object. False
 * means "not sure": checkFrame decides (it throws the frame's problem, or accepts it).
 */
export function frameWellFormed(frameBytes: Uint8Array, layout: FrameLayout): boolean {
  const checker = layout.headerChecker;
  return checker != null && frameBytes.length === layout.frameSize && frameBytes[layout.headerLength] === STAR && headerWellFormed(frameBytes, 0, checker);
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

/** Decodes checked frames (each with its header) of `bytes`, a chunk at file offset chunkOffset. */
function decodeBatch(bytes: Uint8Array, chunkOffset: number, batch: readonly ScannedFrame[], layout: FrameLayout, out: PffFrame[]): void {
  const { frameSize, headerLength, dataProduct } = layout;
  const copy = new Uint8Array(batch.length * frameSize);
  batch.forEach((f, k) => copy.set(bytes.subarray(f.offset - chunkOffset, f.offset - chunkOffset + frameSize), k * frameSize));
  const pixels = decodePixelBlock(dataProduct, copy, batch.map((_, k) => k * frameSize + headerLength + 1));
  batch.forEach((f, k) => {
    out.push({
      index: Math.floor(f.offset / frameSize),
      offset: f.offset,
      header: f.header!,
      pixels: pixels[k]!,
      raw: copy.subarray(k * frameSize, (k + 1) * frameSize),
    });
  });
}

/**
 * Complete frames from file offset `start` in `bytes`, a chunk of the file beginning at file
 * offset `chunkOffset` (0 for a whole buffer). Bytes that are not frames (garbage, a frame of
 * the wrong size, a malformed header) are skipped up to the next good frame and reported once
 * per run (see frame-scanner.ts). Every returned frame is checked: its header parses and the
 * next frame starts at exactly frameSize after it; so the last complete frame waits for the
 * next header unless `final` says the bytes end here (a whole file). A run still going on at
 * the end comes back as `badRun`, to pass in with the next chunk. The frames do not share
 * memory with `bytes`: the caller may reuse it.
 */
export function readFrames(
  bytes: Uint8Array,
  start: number,
  layout: FrameLayout,
  ctx: { file: string; chunkOffset?: number; badRun?: BadRun | undefined; final?: boolean },
): ReadResult {
  const chunkOffset = ctx.chunkOffset ?? 0;
  const scan = scanFrames(bytes, layout, { file: ctx.file, chunkOffset, start, badRun: ctx.badRun, atEnd: ctx.final ? 'final' : 'wait', headers: 'parse' });
  const frames: PffFrame[] = [];
  for (let k = 0; k < scan.frames.length; k += FRAMES_PER_BATCH) {
    decodeBatch(bytes, chunkOffset, scan.frames.slice(k, k + FRAMES_PER_BATCH), layout, frames);
  }
  const result: ReadResult = { frames, next: scan.next, errors: scan.skipped.map(skippedRunError) };
  if (scan.badRun) result.badRun = scan.badRun;
  return result;
}
