// Incremental frame reading: pure functions over bytes, no I/O. The caller feeds whatever part
// of the file it has; complete frames come out, and `next` says where to resume once more
// bytes arrive. A partial frame at the end is normal (the recorder is mid-write), never an error.
import { pixelsFromBytes, type Pixels } from './data-product.js';
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
  /** The whole frame's bytes (a copy: safe to keep after the source buffer is reused). */
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

/** One complete frame at file offset ctx.offset; throws PffError when it is malformed. */
export function parseFrame(frameBytes: Uint8Array, layout: FrameLayout, ctx: { file: string; offset: number }): PffFrame {
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
  return {
    index: Math.floor(ctx.offset / frameSize),
    offset: ctx.offset,
    header: checked.header,
    pixels: pixelsFromBytes(dataProduct, frameBytes.subarray(headerLength + 1)),
    // new Uint8Array copies (Buffer#slice would return a view) and yields a plain Uint8Array.
    raw: new Uint8Array(frameBytes),
  };
}

/**
 * Complete frames from file offset `start` in `bytes`, a chunk of the file beginning at file
 * offset `chunkOffset` (0 for a whole buffer). A malformed frame is reported in `errors` and
 * skipped by frameSize, so later frames still come out.
 */
export function readFrames(bytes: Uint8Array, start: number, layout: FrameLayout, ctx: { file: string; chunkOffset?: number }): ReadResult {
  const chunkOffset = ctx.chunkOffset ?? 0;
  if (start < chunkOffset) throw new RangeError(`start ${start} is before the chunk, which begins at file offset ${chunkOffset}`);
  const frames: PffFrame[] = [];
  const errors: PffError[] = [];
  const end = chunkOffset + bytes.length;
  let pos = start;
  for (; pos + layout.frameSize <= end; pos += layout.frameSize) {
    const local = pos - chunkOffset;
    try {
      frames.push(parseFrame(bytes.subarray(local, local + layout.frameSize), layout, { file: ctx.file, offset: pos }));
    } catch (e) {
      if (!(e instanceof PffError)) throw e;
      errors.push(e);
    }
  }
  return { frames, next: pos, errors };
}
