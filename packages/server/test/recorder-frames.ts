// What the recorder writes on its sockets, for the recorder-socket tests: frames with their
// 2-byte module id, random frame sequences, and a byte stream cut at random places.
import { DATA_PRODUCTS, encodeFrame, type DataProduct, type FrameHeader } from '@daqdata/core';
import fc from 'fast-check';
import { headerFor, pixelsFor } from './helpers.js';

export interface SentFrame {
  moduleId: number;
  header: FrameHeader;
  pixels: number[];
}

/** What the recorder writes for one frame: the 2-byte big-endian module id, then the PFF frame. */
export function recorderBytes(dp: DataProduct, f: SentFrame): Uint8Array {
  const frame = encodeFrame(f.header, f.pixels, DATA_PRODUCTS[dp]);
  const out = new Uint8Array(2 + frame.length);
  out[0] = f.moduleId >> 8;
  out[1] = f.moduleId & 0xff;
  out.set(frame, 2);
  return out;
}

/** Frames of `dp` with random module ids (all 16 bits), header values and pixels. */
export function sentFramesArb(dp: DataProduct, maxLength: number): fc.Arbitrary<SentFrame[]> {
  return fc.array(
    fc.record({ moduleId: fc.integer({ min: 0, max: 0xffff }), n: fc.integer({ min: 0, max: 999_999 }) }).map(({ moduleId, n }) => ({ moduleId, header: headerFor(dp, n), pixels: pixelsFor(dp, n) })),
    { minLength: 1, maxLength },
  );
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** `bytes` cut at the given positions (taken modulo its length). */
export function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}
