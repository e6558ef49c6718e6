// Where frames sit in a PFF file. Every header in a file has the same length (the recorder
// prints fixed-width fields), so the first header fixes the frame size and frame k starts at
// k * frameSize: random access is arithmetic, never a scan.
import { pixelByteLength, type DataProductInfo } from './data-product.js';
import { PffError } from './errors.js';
import { checkHeaderFields } from './header-fields.js';

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
export function frameLayoutFor(dp: DataProductInfo, headerLength: number): FrameLayout {
  const pixelBytes = pixelByteLength(dp);
  return { dataProduct: dp, headerLength, pixelBytes, frameSize: headerLength + 1 + pixelBytes };
}

/**
 * The file's layout from its first bytes: 'need-more' while the first header (and the '*'
 * after it) is not all there yet, PffError when the bytes cannot be this data product's frames.
 * When the bytes reach past the first frame, the second frame must start where the layout
 * says: that catches a file whose name gives the wrong dp/bpp.
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
  const layout = frameLayoutFor(dp, headerLength);
  const { pixelBytes } = layout;
  if (bytes.length > layout.frameSize && bytes[layout.frameSize] !== OPEN_BRACE) {
    throw new PffError(
      'frame-size-mismatch',
      file,
      layout.frameSize,
      `second frame does not start at byte ${layout.frameSize} (header ${headerLength} + 1 + ${pixelBytes} pixel bytes of ${dp.name}): the file name's dp/bpp do not fit the data`,
    );
  }
  return layout;
}
