// Finding frames in bytes that may hold things that are not frames: garbage, a frame cut short,
// a header of another length. Pure functions over bytes, no I/O; the incremental reader
// (readFrames) and the server's file follower both walk a file with scanFrames.
//
// A frame is accepted at offset p when its header has the file's shape (headerShapeAt: the
// first header's template and '*' after it), its size is the one the file name's dp/bpp give —
// a header starts at exactly p + frameSize (headerStartAt) — and, where asked, its header
// parses. Anything else starts a bad run: the scan moves on (to the next '{'), and the run
// ends at the next accepted frame, reported once with its length ("skipped N bytes of garbage
// at byte X (why); re-synchronised at byte Y"). A good frame right before a bad run is part of
// the run: nothing says it was not longer than frameSize.
//
// The last frame before the end of the bytes has no next header to confirm its size yet. A
// frame short by k bytes then has the next frame's first k bytes as its last pixel bytes, so:
//  - 'wait' keeps it until the next header's start is there (exact; a frame of latency);
//  - 'take' and 'final' take it unless a header begins inside its pixel area: with k larger
//    than the header, the next header lies wholly inside and is confirmed by parsing; with a
//    smaller k the pixel area ends in the start of a header, which 'take' treats as "not yet"
//    (the next bytes decide) and 'final' accepts. A good frame is held that way only when its
//    last pixel bytes happen to read as the start of a header ('{' then the template): about
//    1 in 256 frames for random 8-bit pixels, never for pixel values below 0x7b00 (16-bit).
// Residual risk ('take' and 'final' only): a frame cut short and followed by bytes that are not
// a header (garbage), read when the bytes end inside its window, is taken with those bytes as
// its last pixels; the following bytes then start a bad run. And under every policy, a frame
// cut short by k bytes followed by exactly k bytes of garbage and then a frame is a well-formed
// frame by construction: no reader can tell it from one that was written that way.
import { PffError } from './errors.js';
import type { FrameHeader } from './header.js';
import { OPEN_BRACE, STAR, headerShapeAt, headerStartAt, parseHeader, type FrameLayout, type HeaderShape } from './frame-layout.js';

/** Bytes from `start` on are not frames; `problem` says why the first of them were not. */
export interface BadRun {
  start: number;
  problem: PffError;
}

/** A bad run that ended: `bytes` bytes from `start` skipped; frames resume at `resumedAt` ('end': none before the end of the data). */
export interface SkippedRun {
  file: string;
  start: number;
  bytes: number;
  resumedAt: number | 'end';
  problem: PffError;
}

export interface ScannedFrame {
  /** File offset of the frame's first byte. */
  offset: number;
  /** Present when the scan parsed headers ('parse'). */
  header?: FrameHeader;
}

/** What to do with the last frame when the bytes end before the next frame's header: see the top of this file. */
export type EndPolicy = 'wait' | 'take' | 'final';

export interface ScanOptions {
  file: string;
  /** File offset of bytes[0]. */
  chunkOffset: number;
  /** File offset to scan from: a frame boundary, or inside `badRun`, or anywhere with `searching`. */
  start: number;
  /** The bad run `start` lies in, carried over from the previous scan. */
  badRun?: BadRun | undefined;
  /** `start` is not known to be a frame boundary: find the first frame without reporting the bytes before it. */
  searching?: boolean;
  atEnd: EndPolicy;
  /**
   * 'parse': every accepted frame's header is parsed and checked (and its pixel area searched
   * for an embedded header). 'shape': only the shape is checked, for callers that parse the
   * one frame they use; the last frame's pixel area is still searched.
   */
  headers: 'parse' | 'shape';
}

export interface ScanResult {
  frames: ScannedFrame[];
  /** File offset where the next scan starts: nothing before it needs to be read again. */
  next: number;
  /** Bad runs that ended in this scan, one each, in file order. */
  skipped: SkippedRun[];
  /** The bad run `next` lies in, to pass to the next scan. */
  badRun?: BadRun;
  /** `searching` was set and no frame was found yet. */
  searching: boolean;
}

type Verdict =
  | { kind: 'frame'; header?: FrameHeader }
  | { kind: 'not-frame'; problem: () => PffError }
  | { kind: 'need-more' };

const NEED_MORE: Verdict = { kind: 'need-more' };

function hex(b: number | undefined): string {
  return b === undefined ? 'end of data' : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/** Why bytes at `at` (whose shape is 'no') are not a header of this layout. Built only when a bad run starts. */
export function shapeProblem(bytes: Uint8Array, at: number, layout: FrameLayout, file: string, offset: number): PffError {
  const h = layout.headerLength;
  if (bytes[at] !== OPEN_BRACE) return new PffError('header-not-json', file, offset, `header does not start with '{' (found ${hex(bytes[at])})`);
  if (bytes[at + h - 1] !== 0x0a || bytes[at + h - 2] !== 0x0a) {
    return new PffError('header-not-json', file, offset, `header does not end with "}\\n\\n" at byte ${offset + h} (every header of this file is ${h} bytes)`);
  }
  if (bytes[at + h] !== STAR) return new PffError('bad-type-code', file, offset + h, `expected '*' after the header, found ${hex(bytes[at + h])}`);
  const parsed = parseHeader(bytes, at, layout, { file, offset });
  if (parsed instanceof PffError) return parsed;
  return new PffError('header-not-json', file, offset, "header does not have the layout of the file's first header");
}

/**
 * Where a header (shape and parse) begins inside the pixel area of the frame at `at`:
 * an offset in `bytes`, 'maybe' when one may begin there but the bytes end before its shape is
 * decided, 'none' otherwise. Cost: one indexOf pass over the pixel area.
 */
function headerInPixels(bytes: Uint8Array, at: number, layout: FrameLayout, file: string, chunkOffset: number): number | 'maybe' | 'none' {
  const end = at + layout.frameSize;
  let maybe = false;
  for (let c = bytes.indexOf(OPEN_BRACE, at + layout.headerLength + 1); c >= 0 && c < end; c = bytes.indexOf(OPEN_BRACE, c + 1)) {
    const shape = headerShapeAt(bytes, c, layout);
    if (shape === 'need-more') maybe = true;
    else if (shape === 'yes' && !(parseHeader(bytes, c, layout, { file, offset: chunkOffset + c }) instanceof PffError)) return c;
  }
  return maybe ? 'maybe' : 'none';
}

function sizeProblem(layout: FrameLayout, file: string, offset: number, why: string): PffError {
  const { headerLength, pixelBytes, dataProduct } = layout;
  return new PffError(
    'frame-size-mismatch',
    file,
    offset,
    `${why}: the frame is not ${layout.frameSize} bytes (header ${headerLength} + 1 + ${pixelBytes} pixel bytes of ${dataProduct.name})`,
  );
}

function classify(bytes: Uint8Array, at: number, layout: FrameLayout, opts: ScanOptions): Verdict {
  const { file, chunkOffset } = opts;
  const offset = chunkOffset + at;
  const shape = headerShapeAt(bytes, at, layout);
  if (shape === 'no') return { kind: 'not-frame', problem: () => shapeProblem(bytes, at, layout, file, offset) };
  if (shape === 'need-more' || at + layout.frameSize > bytes.length) return NEED_MORE;
  let header: FrameHeader | undefined;
  if (opts.headers === 'parse') {
    const parsed = parseHeader(bytes, at, layout, { file, offset });
    if (parsed instanceof PffError) return { kind: 'not-frame', problem: () => parsed };
    header = parsed;
  }
  const next = at + layout.frameSize;
  const nextStart = headerStartAt(bytes, next, layout);
  if (nextStart === 'no') {
    return { kind: 'not-frame', problem: () => sizeProblem(layout, file, offset, `the next frame does not start at byte ${chunkOffset + next}`) };
  }
  if (nextStart === 'need-more') {
    if (opts.atEnd === 'wait') return NEED_MORE;
    const inside = headerInPixels(bytes, at, layout, file, chunkOffset);
    if (typeof inside === 'number') {
      return { kind: 'not-frame', problem: () => sizeProblem(layout, file, offset, `a frame header begins at byte ${chunkOffset + inside}, inside this frame's pixels`) };
    }
    if (inside === 'maybe' && opts.atEnd === 'take') return NEED_MORE;
  }
  return header ? { kind: 'frame', header } : { kind: 'frame' };
}

/** One pass over `bytes` (file offsets chunkOffset...): the frames in it, the bad runs that ended, and where to go on. */
export function scanFrames(bytes: Uint8Array, layout: FrameLayout, opts: ScanOptions): ScanResult {
  const { chunkOffset, file } = opts;
  if (opts.start < chunkOffset) throw new RangeError(`start ${opts.start} is before the chunk, which begins at file offset ${chunkOffset}`);
  const frames: ScannedFrame[] = [];
  const skipped: SkippedRun[] = [];
  let run: BadRun | 'searching' | undefined = opts.badRun ?? (opts.searching ? 'searching' : undefined);
  let at = opts.start - chunkOffset;
  while (at < bytes.length) {
    if (run !== undefined) {
      const c = bytes.indexOf(OPEN_BRACE, at);
      if (c < 0) {
        at = bytes.length;
        break;
      }
      at = c;
    }
    const verdict = classify(bytes, at, layout, opts);
    if (verdict.kind === 'need-more') break;
    if (verdict.kind === 'not-frame') {
      run ??= { start: chunkOffset + at, problem: verdict.problem() };
      at += 1;
      continue;
    }
    if (run !== undefined && run !== 'searching') {
      skipped.push({ file, start: run.start, bytes: chunkOffset + at - run.start, resumedAt: chunkOffset + at, problem: run.problem });
    }
    run = undefined;
    frames.push(verdict.header ? { offset: chunkOffset + at, header: verdict.header } : { offset: chunkOffset + at });
    at += layout.frameSize;
  }
  at = Math.min(at, bytes.length);
  if (opts.atEnd === 'final' && run !== undefined && run !== 'searching') {
    skipped.push({ file, start: run.start, bytes: chunkOffset + bytes.length - run.start, resumedAt: 'end', problem: run.problem });
    run = undefined;
  }
  const result: ScanResult = { frames, next: chunkOffset + at, skipped, searching: run === 'searching' };
  if (run !== undefined && run !== 'searching') result.badRun = run;
  return result;
}

/** The one line that reports a bad run: where, how many bytes, why, where frames resume. */
export function describeSkippedRun(s: SkippedRun): string {
  const resumed = s.resumedAt === 'end' ? 'no frame after them' : `re-synchronised at byte ${s.resumedAt}`;
  return `skipped ${s.bytes} bytes of garbage at byte ${s.start} (${s.problem.detail}); ${resumed}`;
}

/** A SkippedRun as the PffError readers report: the problem's reason, at the run's start. */
export function skippedRunError(s: SkippedRun): PffError {
  return new PffError(s.problem.reason, s.file, s.start, describeSkippedRun(s));
}
