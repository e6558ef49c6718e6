// fast-check generators for frames of every data product, shared by the property tests.
import fc from 'fast-check';
import type { DataProductInfo, FlatHeader, FrameHeader, QuaboHeader, QuaboPacket } from '../src/index.js';

export const packetArb: fc.Arbitrary<QuaboPacket> = fc.record({
  pkt_num: fc.integer({ min: 0, max: 9_999_999_999 }),
  pkt_tai: fc.integer({ min: 0, max: 1023 }),
  pkt_nsec: fc.integer({ min: 0, max: 999_999_999 }),
  tv_sec: fc.integer({ min: 0, max: 9_999_999_999 }),
  tv_usec: fc.integer({ min: 0, max: 999_999 }),
});

export function headerArb(dp: DataProductInfo): fc.Arbitrary<FrameHeader> {
  if (dp.headerLayout === 'flat') {
    return fc.tuple(fc.integer({ min: 0, max: 3 }), packetArb).map(([quabo_num, p]): FlatHeader => ({ quabo_num, ...p }));
  }
  return fc.tuple(packetArb, packetArb, packetArb, packetArb).map(
    ([quabo_0, quabo_1, quabo_2, quabo_3]): QuaboHeader => ({ quabo_0, quabo_1, quabo_2, quabo_3 }),
  );
}

export function pixelsArb(dp: DataProductInfo): fc.Arbitrary<number[]> {
  const n = dp.rows * dp.cols;
  const range = dp.bytesPerPixel === 1 ? { min: 0, max: 0xff } : dp.signed ? { min: -0x8000, max: 0x7fff } : { min: 0, max: 0xffff };
  return fc.array(fc.integer(range), { minLength: n, maxLength: n });
}

export function frameArb(dp: DataProductInfo): fc.Arbitrary<{ header: FrameHeader; pixels: number[] }> {
  return fc.record({ header: headerArb(dp), pixels: pixelsArb(dp) });
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Random cut points splitting `length` bytes into chunks (some of them empty). */
export const cutsArb = fc.array(fc.nat(), { maxLength: 12 });

export function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks;
}
