import { DATA_PRODUCTS, PanoImage, panoImageFromFrame, type DataProductInfo, type FrameHeader, type PffFrame, type QuaboPacket } from '@daqdata/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastImage } from './broadcast-image.js';
import { encodeFramePanoImage } from './pano-image-encoding.js';

const packet = (n: number): QuaboPacket => ({ pkt_num: n & 0xffff, pkt_tai: 500 + n, pkt_nsec: 123_456_789 - n, tv_sec: 1_700_000_000 + n, tv_usec: n * 7 });

function frameOf(dp: DataProductInfo, index: number, header: FrameHeader): PffFrame {
  const n = dp.rows * dp.cols;
  const pixels = dp.bytesPerPixel === 1 ? new Uint8Array(n) : dp.signed ? new Int16Array(n) : new Uint16Array(n);
  // Every pixel width's range: 0, 1-byte and 2- and 3-byte varints, and negative int16s.
  const samples = dp.bytesPerPixel === 1 ? [0, 1, 127, 128, 255] : dp.signed ? [0, 1, -1, 127, 128, -32768, 32767, 16384] : [0, 1, 127, 128, 16383, 16384, 65535];
  for (let i = 0; i < n; i++) pixels[i] = samples[i % samples.length]! + (dp.bytesPerPixel === 1 ? 0 : i % 3);
  return { index, offset: 0, header, pixels, raw: new Uint8Array(0) };
}

function headerFor(dp: DataProductInfo, n: number): FrameHeader {
  if (dp.headerLayout === 'flat') return { ...packet(n), quabo_num: n % 4 };
  return { quabo_0: packet(n), quabo_1: packet(n + 1), quabo_2: packet(n + 2), quabo_3: packet(n + 3) };
}

const generic = (frame: PffFrame, meta: Parameters<typeof panoImageFromFrame>[1]) => PanoImage.encode(panoImageFromFrame(frame, meta)).finish();

describe('encodeFramePanoImage', () => {
  it('writes the same bytes as PanoImage.encode(panoImageFromFrame(...)) for every data product', () => {
    for (const dp of Object.values(DATA_PRODUCTS)) {
      for (const [index, moduleId, file] of [
        [0, 0, ''],
        [1, 1, 'start_2025-01-01T00:00:00Z.dp_img16.bpp_2.module_1.seqno_0.pff'],
        [200_000, 254, 'f.pff'],
      ] as const) {
        const frame = frameOf(dp, index, headerFor(dp, index));
        const meta = { file, moduleId, dataProduct: dp };
        expect(Buffer.from(encodeFramePanoImage(frame, meta)).equals(Buffer.from(generic(frame, meta))), `${dp.name} frame ${index}`).toBe(true);
      }
    }
  });

  it('writes the same bytes from the little-endian pixel bytes of a file as from typed pixels, for every data product', () => {
    for (const dp of Object.values(DATA_PRODUCTS)) {
      const frame = frameOf(dp, 5, headerFor(dp, 5));
      const pixelBytes = new Uint8Array(frame.pixels.length * dp.bytesPerPixel);
      const view = new DataView(pixelBytes.buffer);
      frame.pixels.forEach((v, i) => (dp.bytesPerPixel === 1 ? view.setUint8(i, v) : view.setUint16(2 * i, v & 0xffff, true)));
      const meta = { file: 'f.pff', moduleId: 3, dataProduct: dp };
      const fromBytes = Buffer.from(encodeFramePanoImage({ header: frame.header, index: 5, pixelBytes }, meta));
      expect(fromBytes.equals(Buffer.from(generic(frame, meta))), dp.name).toBe(true);
    }
  });

  it('encodes any JSON header exactly as google.protobuf.Struct does (keys remembered or not, repeated across frames)', () => {
    // Keys of every length around the remembered limit and the one-byte lengths, non-ASCII and
    // empty keys, each with a number value (the remembered path) or any other JSON value.
    const key = fc.oneof(fc.constantFrom('', 'pkt_num', 'tv_sec', 'é', '𝄞', 'k'.repeat(64), 'k'.repeat(65), 'x'.repeat(110), 'x'.repeat(120)), fc.string({ maxLength: 70 }));
    const value = fc.oneof(fc.double({ noNaN: false }), fc.integer(), fc.jsonValue({ maxDepth: 2 }));
    // Not "__proto__": ts-proto's Struct.wrap assigns fields into a plain object, whose
    // __proto__ setter swallows that key; this encoder keeps it, as Python's Struct does.
    const header = fc.dictionary(key.filter((k) => k !== '__proto__'), value, { maxKeys: 8 });
    const dp = DATA_PRODUCTS.ph256;
    fc.assert(
      fc.property(fc.array(header, { minLength: 1, maxLength: 3 }), (headers) => {
        for (const h of headers) {
          const frame = frameOf(dp, 1, h as unknown as FrameHeader);
          const meta = { file: 'f', moduleId: 1, dataProduct: dp };
          if (!Buffer.from(encodeFramePanoImage(frame, meta)).equals(Buffer.from(generic(frame, meta)))) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('encodes headers of every JSON value type exactly as google.protobuf.Struct does', () => {
    const header = {
      n: -1.5,
      zero: 0,
      big: 2 ** 53,
      s: 'héllo ✓ 𝄞',
      empty: '',
      t: true,
      f: false,
      nothing: null,
      skipped: undefined,
      list: [1, 'two', [3], { four: 4 }, null, false],
      nested: { a: { b: { c: 'deep' } }, e: [] },
      '': 'empty key',
      '7': 'integer-like key',
      long: 'x'.repeat(300),
      ['number under a long key '.repeat(4)]: 42,
      'ключ': -0,
      [''.padEnd(130, 'k')]: 1e300,
    } as unknown as FrameHeader;
    const dp = DATA_PRODUCTS.img8;
    const frame = frameOf(dp, 3, header);
    const meta = { file: 'é.pff', moduleId: 7, dataProduct: dp };
    expect(Buffer.from(encodeFramePanoImage(frame, meta)).equals(Buffer.from(generic(frame, meta)))).toBe(true);
    expect(PanoImage.decode(encodeFramePanoImage(frame, meta)).header).toMatchObject({ s: 'héllo ✓ 𝄞', nested: { a: { b: { c: 'deep' } } } });
  });

  it('writes into a scratch buffer, and an image keeps its own copy: a later encoding does not change an earlier image', () => {
    const dp = DATA_PRODUCTS.ph256;
    const meta = { file: 'f', moduleId: 2, dataProduct: dp };
    const image = (n: number) => broadcastImage({ moduleId: 2, kind: dp.kind, file: 'f', frameNumber: n, seenAt: 0 }, () => encodeFramePanoImage(frameOf(dp, n, headerFor(dp, n)), meta));
    const first = image(1);
    const copy = Buffer.from(encodeFramePanoImage(frameOf(dp, 1, headerFor(dp, 1)), meta));
    expect(Buffer.from(first.encoded()).equals(copy)).toBe(true);
    image(2).encoded();
    expect(Buffer.from(first.encoded()).equals(copy)).toBe(true);
    const relocated = image(3);
    relocated.keepAt(relocated.bytesToCopy().slice());
    image(4).encoded();
    expect(PanoImage.decode(relocated.encoded()).frameNumber).toBe(3);
  });
});
