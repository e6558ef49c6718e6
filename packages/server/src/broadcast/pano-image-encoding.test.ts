import { DATA_PRODUCTS, PanoImage, panoImageFromFrame, type DataProductInfo, type FrameHeader, type PffFrame, type QuaboPacket } from '@daqdata/core';
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
    relocated.relocate((bytes) => bytes.slice());
    image(4).encoded();
    expect(PanoImage.decode(relocated.encoded()).frameNumber).toBe(3);
  });
});
