// One PFF frame's bytes, as the recorder writes them; pure, so a browser or a test can build
// frames without a file (writer.ts appends them to one).
import { pixelsToBytes, type DataProductInfo } from './data-product.js';
import { STAR } from './frame-layout.js';
import { formatHeader } from './header-format.js';
import type { FrameHeader } from './header.js';

const utf8 = new TextEncoder();

/** One frame's bytes: header text, '*', little-endian pixels. */
export function encodeFrame(header: FrameHeader, pixels: ArrayLike<number>, dp: DataProductInfo): Uint8Array {
  const head = utf8.encode(formatHeader(header, dp));
  const body = pixelsToBytes(dp, pixels);
  const out = new Uint8Array(head.length + 1 + body.length);
  out.set(head, 0);
  out[head.length] = STAR;
  out.set(body, head.length + 1);
  return out;
}
