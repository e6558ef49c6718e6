// The image message round-trips every field and the pixels bit for bit, carries the pixels as
// binary (not a list of numbers), and a message that does not hold together is refused naming
// the field.
import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTileImage, encodeTileImage, ImageMessageError, type TileImage } from '../src/shared/image-message.js';

const arbImage: fc.Arbitrary<TileImage> = fc
  .record({
    type: fc.constantFrom('u8', 'u16', 'i16'),
    rows: fc.integer({ min: 1, max: 40 }),
    cols: fc.integer({ min: 1, max: 40 }),
    kind: fc.constantFrom('movie' as const, 'pulse-height' as const),
    moduleId: fc.integer({ min: 0, max: 0xffffffff }),
    frameNumber: fc.nat(),
    quabo: fc.option(fc.integer({ min: 0, max: 3 })),
    wrUnixNs: fc.option(fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String)),
    wrSynchronised: fc.boolean(),
    nodeSentMs: fc.option(fc.integer({ min: 0, max: 2 ** 45 })),
    seed: fc.integer(),
  })
  .map((r) => {
    const n = r.rows * r.cols;
    const values = Array.from({ length: n }, (_, i) => (r.seed * 31 + i * 7919) & 0xffff);
    const pixels = r.type === 'u8' ? Uint8Array.from(values, (v) => v & 0xff) : r.type === 'u16' ? Uint16Array.from(values) : Int16Array.from(values, (v) => v - 0x8000);
    return {
      kind: r.kind,
      dataProduct: r.type === 'u8' ? 'img8' : 'img16',
      host: '127.0.0.1:50051',
      moduleId: r.moduleId,
      file: `start_x.dp_img16.bpp_2.module_${r.moduleId}.seqno_0.pff`,
      frameNumber: r.frameNumber,
      rows: r.rows,
      cols: r.cols,
      quabo: r.quabo,
      pixels,
      wrUnixNs: r.wrUnixNs,
      wrSynchronised: r.wrSynchronised,
      iso: null,
      nodeSentMs: r.nodeSentMs,
    };
  });

describe('image message', () => {
  it('round-trips every field; pixels keep their type and values', () => {
    fc.assert(
      fc.property(arbImage, (img) => {
        const bytes = encodeTileImage(img);
        const back = decodeTileImage(bytes);
        expect(back).toEqual(img);
        expect(back.pixels.constructor).toBe(img.pixels.constructor);
        // Binary pixels: the message is about the pixel bytes plus a small header, not a list of numbers.
        expect(bytes.byteLength).toBeLessThan(img.pixels.byteLength + 400);
      }),
    );
  });

  it('a message whose pixel bytes do not match its shape, or with an unknown kind, is refused naming the field', () => {
    const img = fc.sample(arbImage, { numRuns: 1, seed: 3 })[0]!;
    const good = encodeTileImage(img);
    const m = decode(good) as Record<string, unknown>;
    expect(() => decodeTileImage(encode({ ...m, rows: (m.rows as number) + 1 }))).toThrow(/pixelBytes has \d+ bytes for/);
    expect(() => decodeTileImage(encode({ ...m, kind: 'sky' }))).toThrow(ImageMessageError);
    expect(() => decodeTileImage(encode({ ...m, rows: 5000 }))).toThrow(/rows\/cols must be integers 1-1024/);
    expect(() => decodeTileImage(encode({ ...m, pixelType: 'f64' }))).toThrow(/pixelType is f64/);
    expect(() => decodeTileImage(encode({ ...m, pixelBytes: [1, 2, 3] }))).toThrow(/pixelBytes is not binary/);
  });
});
