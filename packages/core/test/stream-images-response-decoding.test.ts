import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, StreamImagesResponse, decodeStreamImagesResponse, panoImageFromFrame, parsePanoImage, type DataProductInfo, type PanoImage } from '../src/index.js';
import { headerArb, pixelsArb } from './arbitraries.js';

// Every JSON value type a header can carry (Struct's null, number, string, bool, struct, list), nested.
const keyArb = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'quabo_num', 'pkt_tai', 'é✓𝄞', '1', 'constructor'));
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.double(),
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.boolean(),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('json'), { maxKeys: 4 }),
  ),
}));
const extraHeaderArb = fc.dictionary(keyArb, json, { maxKeys: 6 });

function panoArb(dp: DataProductInfo): fc.Arbitrary<PanoImage> {
  return fc
    .record({
      header: fc.tuple(headerArb(dp), extraHeaderArb),
      pixels: pixelsArb(dp),
      index: fc.oneof(fc.constant(0), fc.nat()),
      moduleId: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffffffff })),
      file: fc.oneof(fc.constant(''), fc.string({ maxLength: 90 }), fc.string({ unit: 'binary', maxLength: 10 })),
    })
    .map(({ header: [h, extra], pixels, index, moduleId, file }) => {
      const frame = { index, offset: 0, header: { ...extra, ...h }, pixels: Int32Array.from(pixels) as unknown as Uint16Array, raw: new Uint8Array(0) };
      return panoImageFromFrame(frame, { file, moduleId, dataProduct: dp });
    });
}

const anyPanoArb = fc.constantFrom(...Object.values(DATA_PRODUCTS)).chain(panoArb);
const seqArb = fc.oneof(fc.constant(0), fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const responseArb: fc.Arbitrary<StreamImagesResponse> = fc.record({
  name: fc.oneof(fc.constant(''), fc.string({ maxLength: 20 })),
  timestamp: fc.option(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }), { nil: undefined }),
  message: fc.oneof(fc.constant(''), fc.string({ maxLength: 20 })),
  panoImage: fc.option(anyPanoArb, { nil: undefined }),
  everyFrame: fc.option(
    fc.record({
      nodeSequence: seqArb,
      nodeIncarnation: fc.string({ maxLength: 16 }),
      batch: fc.array(fc.record({ sequence: seqArb, panoImage: fc.option(anyPanoArb, { nil: undefined }) }), { maxLength: 3 }),
      gap: fc.option(fc.record({ firstMissingSequence: seqArb, count: seqArb, reason: fc.integer({ min: 0, max: 3 }) }), { nil: undefined }),
      pffRuns: fc.array(
        fc.record({
          file: fc.oneof(fc.constant(''), fc.string({ maxLength: 90 })),
          moduleId: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffffffff })),
          firstFrameNumber: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffffffff })),
          sequences: fc.array(seqArb, { maxLength: 5 }),
          frames: fc.uint8Array({ maxLength: 300 }),
        }),
        { maxLength: 3 },
      ),
    }),
    { nil: undefined },
  ),
});

/** The generated decoder's result, or the message of its error. */
function generated(bytes: Uint8Array): StreamImagesResponse | string {
  try {
    return StreamImagesResponse.decode(bytes);
  } catch (err) {
    return (err as Error).message;
  }
}
function handWritten(bytes: Uint8Array): StreamImagesResponse | string {
  try {
    return decodeStreamImagesResponse(bytes);
  } catch (err) {
    return (err as Error).message;
  }
}

const imagesOf = (r: StreamImagesResponse) => [r.panoImage, ...(r.everyFrame?.batch.map((b) => b.panoImage) ?? [])];

/** parsePanoImage's image (without its accessor), or its error. */
function parsed(img: PanoImage): object | string {
  try {
    const { at: _, ...rest } = parsePanoImage(img, { host: 'h' });
    return rest;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('decodeStreamImagesResponse', () => {
  it('equals StreamImagesResponse.decode, and parsePanoImage of its images too, for every data product and header value type', () => {
    fc.assert(
      fc.property(responseArb, (response) => {
        const bytes = StreamImagesResponse.encode(response).finish();
        const fast = decodeStreamImagesResponse(bytes);
        const slow = StreamImagesResponse.decode(bytes);
        expect(fast).toEqual(slow);
        // 'packed' mode: the same images once parsed (pixels straight from the bytes).
        const packed = decodeStreamImagesResponse(bytes, { pixels: 'packed' });
        const slowImages = imagesOf(slow);
        imagesOf(packed).forEach((img, i) => {
          if (img) expect(parsed(img)).toEqual(parsed(slowImages[i]!));
        });
      }),
      { numRuns: 120 },
    );
  });

  it('gives the same result or the same error for any bytes (corrupted, truncated, reordered, unknown fields)', () => {
    const mutated = fc.tuple(responseArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), fc.uint8Array({ maxLength: 16 })).map(([r, edits, cut, tail]) => {
      const bytes = StreamImagesResponse.encode(r).finish().slice();
      for (const [at, v] of edits) if (bytes.length > 0) bytes[at % bytes.length] = v;
      const kept = bytes.subarray(0, bytes.length === 0 ? 0 : cut % (bytes.length + 1));
      return Uint8Array.from([...kept, ...tail]);
    });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 64 })), (bytes) => {
        const slow = generated(bytes);
        expect(handWritten(bytes)).toEqual(slow);
        if (typeof slow === 'string') return;
        // Invalid pixels (out of range, too many, too few) parse to the same error in 'packed' mode.
        const slowImages = imagesOf(slow);
        imagesOf(decodeStreamImagesResponse(bytes, { pixels: 'packed' })).forEach((img, i) => {
          if (img) expect(parsed(img)).toEqual(parsed(slowImages[i]!));
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a header key named __proto__ as the generated decoder does', () => {
    const header = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as Record<string, unknown>;
    const bytes = StreamImagesResponse.encode({ name: '', message: '', panoImage: { ...panoImageFromFrame({ index: 1, offset: 0, header: {} as never, pixels: new Uint8Array(256), raw: new Uint8Array(0) }, { file: 'f', moduleId: 1, dataProduct: DATA_PRODUCTS.ph256 }), header } }).finish();
    expect(handWritten(bytes)).toEqual(generated(bytes));
  });
});

describe('decodeStreamImagesResponse: image_array', () => {
  it('in packed mode leaves image_array empty for parsePanoImage, which parses replaced pixels, not the packed ones, once image_array is assigned', () => {
    const dp = DATA_PRODUCTS.ph256;
    const pano = panoImageFromFrame({ index: 1, offset: 0, header: { quabo_num: 1 } as never, pixels: new Int16Array(256).fill(5), raw: new Uint8Array(0) }, { file: 'f', moduleId: 1, dataProduct: dp });
    const bytes = StreamImagesResponse.encode({ name: '', message: '', panoImage: pano }).finish();
    expect(decodeStreamImagesResponse(bytes).panoImage!.imageArray).toEqual(new Array(256).fill(5));
    const img = decodeStreamImagesResponse(bytes, { pixels: 'packed' }).panoImage!;
    expect(img.imageArray).toEqual([]);
    expect(parsePanoImage(img, { host: 'h' }).pixels[0]).toBe(5);
    img.imageArray = new Array<number>(256).fill(0xfffe);
    expect(parsePanoImage(img, { host: 'h' }).pixels[0]).toBe(-2);
    img.imageArray = [1];
    expect(() => parsePanoImage(img, { host: 'h' })).toThrow(/image_array: 1 pixels, expected 256/);
  });
});

describe('decodeStreamImagesResponse: one pixel block per message', () => {
  it("in packed mode the images of one message are views of one buffer, each its own part, whatever the order they are parsed in", () => {
    const batchArb = fc.array(fc.oneof(...Object.values(DATA_PRODUCTS).map(panoArb)), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(batchArb, fc.func(fc.integer()), (images, orderKey) => {
        const response: StreamImagesResponse = {
          name: '',
          message: '',
          timestamp: undefined,
          panoImage: images[0],
          everyFrame: { nodeSequence: 1, nodeIncarnation: 'i', gap: undefined, pffRuns: [], batch: images.slice(1).map((panoImage, i) => ({ sequence: i + 2, panoImage })) },
        };
        const bytes = StreamImagesResponse.encode(response).finish();
        const decoded = imagesOf(decodeStreamImagesResponse(bytes, { pixels: 'packed' })).map((img) => img!);
        const order = decoded.map((_, i) => i).sort((a, b) => orderKey(a) - orderKey(b) || a - b);
        const slow = imagesOf(StreamImagesResponse.decode(bytes));
        const pixels: Array<ReturnType<typeof parsePanoImage>['pixels']> = [];
        for (const i of order) {
          const fast = parsed(decoded[i]!);
          // Each image parses as the generated decoder's does (some arbitrary headers fail the same way)...
          expect(fast).toEqual(parsed(slow[i]!));
          if (typeof fast !== 'string') pixels.push((fast as { pixels: (typeof pixels)[number] }).pixels);
        }
        if (pixels.length === 0) return;
        // ...its pixels in one buffer with the others', in parts that do not overlap and are aligned for their element size.
        expect(new Set(pixels.map((p) => p.buffer)).size).toBe(1);
        const parts = pixels.map((p) => [p.byteOffset, p.byteOffset + p.byteLength] as const).sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < parts.length; i++) expect(parts[i]![0]).toBeGreaterThanOrEqual(parts[i - 1]![1]);
        for (const p of pixels) expect(p.byteOffset % p.BYTES_PER_ELEMENT).toBe(0);
        // Writing one image's pixels leaves the others as they were.
        pixels.forEach((p, i) => p.fill(i + 1));
        pixels.forEach((p, i) => expect(p.every((v) => v === i + 1)).toBe(true));
      }),
      { numRuns: 100 },
    );
  });

  it('an image whose pixels do not fit its data product gets the usual error and leaves the others of its message intact', () => {
    const dp = DATA_PRODUCTS.ph256;
    const good = (v: number) => panoImageFromFrame({ index: 1, offset: 0, header: { quabo_num: 1 } as never, pixels: new Int16Array(256).fill(v), raw: new Uint8Array(0) }, { file: 'f', moduleId: 1, dataProduct: dp });
    const bad = { ...good(9), imageArray: new Array<number>(300).fill(9) };
    const response: StreamImagesResponse = {
      name: '',
      message: '',
      timestamp: undefined,
      panoImage: good(3),
      everyFrame: { nodeSequence: 1, nodeIncarnation: 'i', gap: undefined, pffRuns: [], batch: [{ sequence: 2, panoImage: bad }, { sequence: 3, panoImage: good(4) }] },
    };
    const [a, b, c] = imagesOf(decodeStreamImagesResponse(StreamImagesResponse.encode(response).finish(), { pixels: 'packed' }));
    const pa = parsePanoImage(a!, { host: 'h' }).pixels;
    expect(() => parsePanoImage(b!, { host: 'h' })).toThrow(/image_array: 300 pixels, expected 256/);
    const pc = parsePanoImage(c!, { host: 'h' }).pixels;
    expect([pa.every((v) => v === 3), pc.every((v) => v === 4), pa.buffer === pc.buffer]).toEqual([true, true, true]);
  });
});
