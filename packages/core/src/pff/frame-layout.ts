// Where frames sit in a PFF file. Every header in a file has the same length (the recorder
// prints fixed-width fields), so the first header fixes the frame size and frame k starts at
// k * frameSize: random access is arithmetic, never a scan. The first header also fixes what
// every header looks like (its template): the same punctuation and keys at the same places,
// only the right-aligned numbers differ. That is how a reader tells a frame start from bytes
// that are not one (see frame-scanner.ts).
import { pixelByteLength, type DataProductInfo } from './data-product.js';
import { PffError } from './errors.js';
import { compileHeaderChecker, type HeaderChecker } from './header-checker.js';
import { checkHeaderFields } from './header-fields.js';
import type { FrameHeader } from './header.js';

/** A real header is ~120 bytes (ph256) or ~540 bytes (32x32); anything near this bound is not a header. */
export const MAX_HEADER_BYTES = 64 * 1024;

export const OPEN_BRACE = 0x7b; // '{'
export const STAR = 0x2a; // '*', the image type code after each header
const NEWLINE = 0x0a;

export interface FrameLayout {
  dataProduct: DataProductInfo;
  /** Bytes before '*', including the closing "\n\n". */
  headerLength: number;
  pixelBytes: number;
  /** headerLength + 1 + pixelBytes. */
  frameSize: number;
  /** The bytes every header of the file has at the same place (from the first header). */
  headerTemplate: HeaderTemplate;
  /** Says which later headers are sure to pass the checks the first one passed, without parsing them (header-checker.ts); absent or null: parse every header. */
  headerChecker?: HeaderChecker | null;
}

/**
 * Positions (ascending, within the header) and values of the first header's bytes that are
 * not part of a number: everything but digits, spaces and '-'. It begins with '{' and ends
 * with "}\n\n", so a match also says the header has the file's header length.
 */
export interface HeaderTemplate {
  positions: Uint32Array;
  values: Uint8Array;
}

const SPACE = 0x20;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

export function headerTemplate(header: Uint8Array): HeaderTemplate {
  const positions: number[] = [];
  header.forEach((b, i) => {
    if (b !== SPACE && b !== MINUS && (b < DIGIT_0 || b > DIGIT_9)) positions.push(i);
  });
  return { positions: Uint32Array.from(positions), values: Uint8Array.from(positions, (i) => header[i]!) };
}

/** Whether a frame header could begin at `at`, judged on the bytes there are: 'need-more' when they match as far as they go. */
export type HeaderShape = 'yes' | 'no' | 'need-more';

/** How many template bytes make "a header starts here" (headerStartAt): `{ "quabo_num": 1, "p` or `{\n   "quabo_0": { "p`. */
export const HEADER_START_TEMPLATE_BYTES = 16;

/**
 * Whether bytes[at...] look like a header of this layout followed by '*': the template's bytes
 * at their places. Cheap (no parsing); a 'yes' still needs parseHeader before the header is
 * trusted. The first byte and the header's end are compared first: at a position that is not
 * a frame start, one of them almost always differs.
 */
export function headerShapeAt(bytes: Uint8Array, at: number, layout: FrameLayout): HeaderShape {
  const available = bytes.length - at;
  if (available <= 0) return 'need-more';
  if (bytes[at] !== OPEN_BRACE) return 'no';
  const h = layout.headerLength;
  if (available > h && (bytes[at + h] !== STAR || bytes[at + h - 1] !== NEWLINE || bytes[at + h - 2] !== NEWLINE)) return 'no';
  const match = templateMatch(bytes, at, layout.headerTemplate, layout.headerTemplate.positions.length);
  return match === 'yes' && available <= h ? 'need-more' : match;
}

/**
 * Whether a header of this layout starts at `at`: its first HEADER_START_TEMPLATE_BYTES template
 * bytes. That is what says a frame ended where the next one begins; the rest of the next
 * header may be damaged without making the frame before it suspect.
 */
export function headerStartAt(bytes: Uint8Array, at: number, layout: FrameLayout): HeaderShape {
  if (at < bytes.length && bytes[at] !== OPEN_BRACE) return 'no';
  return templateMatch(bytes, at, layout.headerTemplate, HEADER_START_TEMPLATE_BYTES);
}

function templateMatch(bytes: Uint8Array, at: number, { positions, values }: HeaderTemplate, count: number): HeaderShape {
  const available = bytes.length - at;
  const n = Math.min(count, positions.length);
  for (let i = 0; i < n; i++) {
    const p = positions[i]!;
    if (p >= available) return 'need-more';
    if (bytes[at + p] !== values[i]) return 'no';
  }
  return 'yes';
}

/** The header at `at` (headerLength bytes) as this data product's FrameHeader, or the PffError saying why it is not one. */
export function parseHeader(bytes: Uint8Array, at: number, layout: FrameLayout, ctx: { file: string; offset: number }): FrameHeader | PffError {
  const json = parseHeaderJson(bytes.subarray(at, at + layout.headerLength));
  if (json === undefined) return new PffError('header-not-json', ctx.file, ctx.offset, 'header is not valid JSON');
  const checked = checkHeaderFields(json, layout.dataProduct);
  if ('problem' in checked) return new PffError('bad-header-fields', ctx.file, ctx.offset, checked.problem);
  return checked.header;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Header text as JSON, or undefined when it is not valid UTF-8 JSON. */
export function parseHeaderJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
}

/** Index of the first "\n\n" within the first `limit` bytes, or -1: where a header ends. */
export function indexOfBlankLine(bytes: Uint8Array, limit: number): number {
  const end = Math.min(bytes.length, limit) - 1;
  for (let i = bytes.indexOf(NEWLINE); i >= 0 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) {
    if (bytes[i + 1] === NEWLINE) return i;
  }
  return -1;
}

/** The layout of `dp` frames whose headers are `headerLength` bytes (including the closing "\n\n"). */
export function frameLayoutFor(dp: DataProductInfo, header: Uint8Array): FrameLayout {
  const pixelBytes = pixelByteLength(dp);
  const headerLength = header.length;
  return { dataProduct: dp, headerLength, pixelBytes, frameSize: headerLength + 1 + pixelBytes, headerTemplate: headerTemplate(header), headerChecker: headerCheckerFor(header, dp) };
}

/** The checker compiled from `header` if that header itself passes the full check (a layout may come from a header nobody checked yet: a node's run), else null. */
function headerCheckerFor(header: Uint8Array, dp: DataProductInfo): HeaderChecker | null {
  const json = parseHeaderJson(header);
  return json !== undefined && !('problem' in checkHeaderFields(json, dp)) ? compileHeaderChecker(header, dp) : null;
}

/**
 * The file's layout from its first bytes: 'need-more' while the first header (and the '*'
 * after it) is not all there yet, PffError when the bytes cannot be this data product's frames.
 * When the bytes hold three headers evenly spaced at another distance than the layout's frame
 * size, the file's frames are not the size its name's dp/bpp give (frame-size-mismatch). One
 * bad frame does not make that pattern: garbage or a short frame after the first frame is
 * left to the frame scanner, which skips it and reads on.
 */
export function detectLayout(bytes: Uint8Array, dp: DataProductInfo, file: string): FrameLayout | 'need-more' {
  if (bytes.length === 0) return 'need-more';
  if (bytes[0] !== OPEN_BRACE) {
    throw new PffError('header-not-json', file, 0, `header does not start with '{' (found byte 0x${bytes[0]!.toString(16).padStart(2, '0')})`);
  }
  const blank = indexOfBlankLine(bytes, MAX_HEADER_BYTES);
  if (blank < 0) {
    if (bytes.length >= MAX_HEADER_BYTES) {
      throw new PffError('header-too-long', file, 0, `no end of header ("}\\n\\n") within ${MAX_HEADER_BYTES} bytes`);
    }
    return 'need-more';
  }
  const headerLength = blank + 2;
  const json = parseHeaderJson(bytes.subarray(0, headerLength));
  if (json === undefined) throw new PffError('header-not-json', file, 0, 'first header is not valid JSON');
  const checked = checkHeaderFields(json, dp);
  if ('problem' in checked) throw new PffError('bad-header-fields', file, 0, checked.problem);
  if (bytes.length <= headerLength) return 'need-more';
  if (bytes[headerLength] !== STAR) {
    throw new PffError('bad-type-code', file, headerLength, `expected '*' after the header, found byte 0x${bytes[headerLength]!.toString(16).padStart(2, '0')}`);
  }
  const layout = frameLayoutFor(dp, bytes.subarray(0, headerLength));
  const { pixelBytes } = layout;
  const spacing = evenHeaderSpacing(bytes, layout);
  if (spacing !== undefined && spacing !== layout.frameSize) {
    throw new PffError(
      'frame-size-mismatch',
      file,
      layout.frameSize,
      `second frame does not start at byte ${layout.frameSize} (header ${headerLength} + 1 + ${pixelBytes} pixel bytes of ${dp.name}) but at byte ${spacing}, and the third at byte ${2 * spacing}: the file name's dp/bpp do not fit the data`,
    );
  }
  return layout;
}

/** The distance q when the first header is followed by headers at q and 2q (and none between), else undefined. */
function evenHeaderSpacing(bytes: Uint8Array, layout: FrameLayout): number | undefined {
  const next = (from: number): number | undefined => {
    for (let c = bytes.indexOf(OPEN_BRACE, from); c >= 0; c = bytes.indexOf(OPEN_BRACE, c + 1)) {
      if (headerShapeAt(bytes, c, layout) === 'yes') return c;
    }
    return undefined;
  };
  const second = next(layout.headerLength + 1);
  if (second === undefined) return undefined;
  return next(second + 1) === 2 * second ? second : undefined;
}
