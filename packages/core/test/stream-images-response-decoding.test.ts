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
