// The image model: frame -> PanoImage -> typed image, and validation of uploaded images.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DATA_PRODUCTS,
  PanoImage,
  PanoImageError,
  PanoImage_Type,
  encodeFrame,
  panoImageFromFrame,
  parseFrame,
  parsePanoImage,
  validatePanoImage,
  headerTemplate,
  type DataProductInfo,
  type PanoImage as PanoImageMessage,
} from '../src/index.js';
import { frameArb } from './arbitraries.js';

function frameFrom(dp: DataProductInfo, f: { header: Parameters<typeof encodeFrame>[0]; pixels: number[] }, offset = 0) {
  const bytes = encodeFrame(f.header, f.pixels, dp);
  const headerLength = bytes.indexOf(0x2a);
  const layout = { dataProduct: dp, headerLength, pixelBytes: bytes.length - headerLength - 1, frameSize: bytes.length, headerTemplate: headerTemplate(bytes.subarray(0, headerLength)) };
  return parseFrame(bytes, layout, { file: 'f.pff', offset });
}

describe('panoImageFromFrame / parsePanoImage', () => {
  for (const dp of Object.values(DATA_PRODUCTS)) {
    it(`${dp.name}: survives the wire and comes back as the same typed pixels and header`, () => {
      fc.assert(
        fc.property(frameArb(dp), fc.integer({ min: 0, max: 1000 }), (f, k) => {
          const frame = frameFrom(dp, f, k * encodeFrame(f.header, f.pixels, dp).length);
          const msg = panoImageFromFrame(frame, { file: 'f.pff', moduleId: 9, dataProduct: dp });
          expect(validatePanoImage(msg)).toBeNull();
          expect(msg.imageArray.every((v) => v >= 0 && v <= 0xffff)).toBe(true);
          const wire = PanoImage.decode(PanoImage.encode(msg).finish());
          const img = parsePanoImage(wire, { host: 'node-a' });
          expect(img).toMatchObject({ type: dp.kind, dataProduct: dp.name, host: 'node-a', moduleId: 9, file: 'f.pff', frameNumber: k });
          expect(img.shape).toEqual([dp.rows, dp.cols]);
          expect(img.pixels.constructor).toBe(frame.pixels.constructor);
          expect(Array.from(img.pixels)).toEqual(f.pixels);
          expect(img.header).toEqual(f.header);
          expect(img.at(dp.rows - 1, 1)).toBe(f.pixels[(dp.rows - 1) * dp.cols + 1]);
          expect(img.time).not.toBeNull();
        }),
        { numRuns: 25 },
      );
    });
  }

  it('stores int16 pixels as 16-bit two\'s complement and reads them back signed', () => {
    const dp = DATA_PRODUCTS.ph256;
    const px = new Array<number>(256).fill(0);
    px[0] = -575;
    px[1] = -32768;
    px[17] = 2014;
    const header = { quabo_num: 2, pkt_num: 1, pkt_tai: 293, pkt_nsec: 123456789, tv_sec: 1700000000, tv_usec: 5 };
    const msg = panoImageFromFrame(frameFrom(dp, { header, pixels: px }), { file: 'f.pff', moduleId: 1, dataProduct: dp });
    expect(msg.type).toBe(PanoImage_Type.PULSE_HEIGHT);
    expect(msg.imageArray.slice(0, 2)).toEqual([64961, 32768]);
    const img = parsePanoImage(msg, { host: 'h', serverTimestamp: new Date(5) });
    expect(img.pixels).toBeInstanceOf(Int16Array);
    expect([img.at(0, 0), img.at(0, 1), img.at(1, 1)]).toEqual([-575, -32768, 2014]);
    expect(img.quabo).toBe(2);
    expect(img.serverTimestamp).toEqual(new Date(5));
    // 1700000000 mod 1024 = 256, so (1700000000 - 293 + 37) mod 1024 = 0: synchronised, WR time exact to the nanosecond.
    expect(img.time).toEqual({ wrUnixNs: 1_700_000_000_123_456_789n, wrSynchronised: true, arrivalUnixNs: 1_700_000_000_000_005_000n, iso: '2023-11-14T22:13:20.123456789Z' });
    expect(() => img.at(16, 0)).toThrow(/outside 16x16/);
  });

  it('time is null when the header lacks timing fields; quabo undefined for 32x32', () => {
    const msg: PanoImageMessage = { type: PanoImage_Type.MOVIE, header: { note: 'x' }, imageArray: new Array(1024).fill(1), shape: [32, 32], bytesPerPixel: 1, file: '', frameNumber: 0, moduleId: 3 };
    const img = parsePanoImage(msg, { host: 'h' });
    expect(img).toMatchObject({ dataProduct: 'img8', time: null, quabo: undefined, header: { note: 'x' } });
    expect(img.pixels).toBeInstanceOf(Uint8Array);
    expect(parsePanoImage({ ...msg, header: undefined }, { host: 'h' }).time).toBeNull();
  });
});

describe('frame time of odd headers', () => {
  it('never throws for any header object: time is null or numbers, a per-quabo header with an extra quabo_num is timed by quabo_0', () => {
    const packet = fc.record({ pkt_num: fc.nat(65535), pkt_tai: fc.nat(1023), pkt_nsec: fc.nat(999_999_999), tv_sec: fc.nat(4_000_000_000), tv_usec: fc.nat(999_999) });
    const header = fc.oneof(
      fc.record({ quabo_0: packet, quabo_1: packet, quabo_2: packet, quabo_3: packet, quabo_num: fc.nat(3) }),
      fc.record({ quabo_0: packet, quabo_1: packet, quabo_2: packet, quabo_3: packet, quabo_num: fc.nat(3), tv_sec: fc.nat(10) }),
      fc.dictionary(fc.constantFrom('quabo_num', 'tv_sec', 'tv_usec', 'pkt_tai', 'pkt_nsec', 'pkt_num', 'quabo_0', 'x'), fc.oneof(fc.nat(5), packet, fc.constant(null), fc.string())),
    );
    fc.assert(
      fc.property(header, (h) => {
        const msg: PanoImageMessage = { type: PanoImage_Type.MOVIE, header: h as Record<string, unknown>, imageArray: new Array(1024).fill(1), shape: [32, 32], bytesPerPixel: 2, file: '', frameNumber: 0, moduleId: 3 };
        const t = parsePanoImage(msg, { host: 'h' }).time;
        if (t !== null) expect(typeof t.arrivalUnixNs).toBe('bigint');
        const q0 = (h as { quabo_0?: { tv_sec: number; tv_usec: number } }).quabo_0;
        if (t !== null && q0 && typeof q0 === 'object' && 'quabo_1' in h) {
          expect(t.arrivalUnixNs).toBe(BigInt(q0.tv_sec) * 1_000_000_000n + BigInt(q0.tv_usec) * 1000n);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('validatePanoImage', () => {
  const good: PanoImageMessage = { type: PanoImage_Type.MOVIE, header: {}, imageArray: new Array(1024).fill(65535), shape: [32, 32], bytesPerPixel: 2, file: 'x.pff', frameNumber: 0, moduleId: 1 };
  it.each<[string, Partial<PanoImageMessage>, string, RegExp]>([
    ['undefined type', { type: PanoImage_Type.UNDEFINED }, 'pano_image.type', /neither MOVIE \(2\) nor PULSE_HEIGHT \(1\)/],
    ['a 3-d shape', { shape: [32, 32, 1] }, 'pano_image.shape', /not \[rows, cols\]/],
    ['a shape no product has', { shape: [16, 16] }, 'pano_image.shape', /no data product is a movie image of 16x16 with 2 bytes per pixel/],
    ['bytes_per_pixel 4', { bytesPerPixel: 4 }, 'pano_image.bytes_per_pixel', /neither 1 nor 2/],
    ['too few pixels', { imageArray: [1, 2, 3] }, 'pano_image.image_array', /3 pixels, expected 1024/],
    ['a pixel over 0xff at 1 byte per pixel', { bytesPerPixel: 1, imageArray: [...new Array(1023).fill(0), 256] }, 'pano_image.image_array[1023]', /256 is out of range 0-255/],
    ['a pixel over 0xffff', { imageArray: [65536, ...new Array(1023).fill(0)] }, 'pano_image.image_array[0]', /65536 is out of range 0-65535/],
  ])('rejects %s, naming the field', (_what, change, field, reason) => {
    const bad = { ...good, ...change };
    const problem = validatePanoImage(bad);
    expect(problem?.field).toBe(field);
    expect(problem?.reason).toMatch(reason);
    let error: unknown;
    try {
      parsePanoImage(bad, { host: 'h' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PanoImageError);
    expect((error as PanoImageError).field).toBe(field);
    expect((error as PanoImageError).message.startsWith(`${field}: `)).toBe(true);
  });

  it('accepts a valid image', () => {
    expect(validatePanoImage(good)).toBeNull();
  });
});
