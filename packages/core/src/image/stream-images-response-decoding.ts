// StreamImagesResponse from protobuf bytes, written by hand for the shape the node's encoder
// writes (server/src/broadcast/pano-image-encoding.ts), with the same result as the generated
// StreamImagesResponse.decode (a fast-check test compares them for every data product and
// header value type). The generated code decodes a header into a google.protobuf.Struct tree
// (one Value object per field, then unwrapped into a second object) and packed pixels through a
// general reader one call per value; on an every-frame stream of small events that was the
// client's largest cost per image after garbage collection. Here the header is read straight
// into its plain object and the pixels in one loop. Anything off the canonical shape (a field
// repeated or out of place, an unknown field, a Value with other than one kind, a number too
// large, a key named __proto__) is handed to the generated decoder: its result, or its error, is
// the answer, so the two cannot disagree.
import { PixelBlock, keepPacked, readPackedUint32, type PackedUint32 } from './packed-pixels.js';
import { StreamImagesResponse, type EveryFrameResponse, type FrameGap, type PanoImage, type PffFrameRun, type SequencedImage } from '../gen/daq_data.js';

/** The bytes are not in the shape this decoder reads: the generated decoder takes over. */
class NotCanonical extends Error {}
const notCanonical = new NotCanonical();

const utf8 = new TextDecoder();
/** Struct and ListValue nesting this decoder follows (the generated decoder's limit is 100). */
const MAX_DEPTH = 32;

class Reader {
  pos = 0;
  /** Values in the last packed field read (skipPacked counts them). */
  packedCount = 0;
  /** Pixels left packed for parsePanoImage (packed-pixels.ts), their typed arrays in this message's one block; null: read as number[]. */
  readonly pixelBlock: PixelBlock | null;
  constructor(
    readonly buf: Uint8Array,
    packedPixels: boolean,
  ) {
    this.pixelBlock = packedPixels ? new PixelBlock() : null;
  }

  /** A varint of at most 53 bits as a number (larger: not canonical). */
  varint(): number {
    const buf = this.buf;
    let b = buf[this.pos++]!;
    if (b < 0x80) return b;
    let v = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; i < 8; i++) {
      b = buf[this.pos++]!;
      if (b === undefined) throw notCanonical;
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (v > Number.MAX_SAFE_INTEGER) throw notCanonical;
        return v;
      }
      mul *= 0x80;
    }
    throw notCanonical;
  }

  /** A uint32 field's value (larger than 2^32 - 1 on the wire: not canonical). */
  uint32(): number {
    const v = this.varint();
    if (v > 0xffffffff) throw notCanonical;
    return v;
  }

  /** A non-negative int32 field's value (a negative one, ten bytes on the wire: not canonical). */
  int32(): number {
    const v = this.varint();
    if (v > 0x7fffffff) throw notCanonical;
    return v;
  }

  /** A packed repeated uint32 field, checked (see skipPacked) and moved past. */
  packed(): PackedUint32 {
    const length = this.varint();
    const packed = { buf: this.buf, start: this.pos, end: this.end(length) };
    skipPacked(this, packed.end);
    return packed;
  }

  end(length: number): number {
    const end = this.pos + length;
    if (end > this.buf.length) throw notCanonical;
    return end;
  }

  string(): string {
    const length = this.varint();
    const end = this.end(length);
    const buf = this.buf;
    let s = '';
    // Short ASCII (header keys, file names): cheaper than a TextDecoder call.
    if (length <= 64) {
      let i = this.pos;
      for (; i < end; i++) {
        const c = buf[i]!;
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === end) {
        this.pos = end;
        return s;
      }
    }
    s = utf8.decode(buf.subarray(this.pos, end));
    this.pos = end;
    return s;
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw notCanonical;
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }
}

/** google.protobuf.Value's one kind, as Value.unwrap gives it. */
function readValue(r: Reader, end: number, depth: number): unknown {
  const tag = r.varint();
  let value: unknown;
  switch (tag) {
    case 8: // null_value
      r.varint();
      value = null;
      break;
    case 17: // number_value
      value = r.double();
      break;
    case 26: // string_value
      value = r.string();
      break;
    case 32: // bool_value
      value = r.varint() !== 0;
      break;
    case 42: // struct_value
      value = readStruct(r, r.end(r.varint()), depth + 1);
      break;
    case 50: // list_value
      value = readList(r, r.end(r.varint()), depth + 1);
      break;
    default:
      throw notCanonical;
  }
  if (r.pos !== end) throw notCanonical;
  return value;
}

/** A google.protobuf.Struct as the plain object Struct.unwrap gives. */
function readStruct(r: Reader, end: number, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw notCanonical;
  const object: Record<string, unknown> = {};
  while (r.pos < end) {
    if (r.varint() !== 10) throw notCanonical;
    const entryEnd = r.end(r.varint());
    let key = '';
    let tag = r.varint();
    if (tag === 10) {
      key = r.string();
      tag = r.varint();
    }
    if (tag !== 18 || key === '__proto__') throw notCanonical;
    object[key] = readValue(r, r.end(r.varint()), depth);
    if (r.pos !== entryEnd) throw notCanonical;
  }
  if (r.pos !== end) throw notCanonical;
  return object;
}

function readList(r: Reader, end: number, depth: number): unknown[] {
  if (depth > MAX_DEPTH) throw notCanonical;
  const list: unknown[] = [];
  while (r.pos < end) {
    if (r.varint() !== 10) throw notCanonical;
    list.push(readValue(r, r.end(r.varint()), depth));
  }
  if (r.pos !== end) throw notCanonical;
  return list;
}

/** Moves past packed uint32s, checking each is one (at most 5 bytes, below 2^32) and the last ends with the field: reading them later cannot fail. Counts them in r.packedCount. */
function skipPacked(r: Reader, end: number): void {
  const buf = r.buf;
  let pos = r.pos;
  let run = 0;
  let count = 0;
  while (pos < end) {
    const b = buf[pos++]!;
    if (b >= 0x80) {
      if (++run === 5) throw notCanonical;
    } else {
      if (run === 4 && b > 0x0f) throw notCanonical;
      run = 0;
      count++;
    }
  }
  if (run !== 0) throw notCanonical;
  r.packedCount = count;
  r.pos = end;
}

/** Fields in increasing order, each at most once: what the node writes. */
function readPanoImage(r: Reader, end: number): PanoImage {
  const img: PanoImage = { type: 0, header: undefined, imageArray: [], shape: [], bytesPerPixel: 0, file: '', frameNumber: 0, moduleId: 0 };
  let last = 0;
  let pixels: PackedUint32 | undefined;
  let pixelCount = 0;
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    if (field <= last) throw notCanonical;
    last = field;
    switch (tag) {
      case 8:
        img.type = r.int32();
        break;
      case 18:
        img.header = readStruct(r, r.end(r.varint()), 1);
        break;
      case 26: {
        const packed = r.packed();
        if (r.pixelBlock) {
          pixels = packed;
          pixelCount = r.packedCount;
        } else img.imageArray = readPackedUint32(packed);
        break;
      }
      case 34:
        img.shape = readPackedUint32(r.packed());
        break;
      case 40:
        img.bytesPerPixel = r.int32();
        break;
      case 50:
        img.file = r.string();
        break;
      case 56:
        img.frameNumber = r.uint32();
        break;
      case 64:
        img.moduleId = r.uint32();
        break;
      default:
        throw notCanonical;
    }
  }
  if (r.pos !== end) throw notCanonical;
  // Its part of the message's block, sized by bytes_per_pixel (read after the pixels); parsing checks it fits the data product.
  if (pixels && r.pixelBlock) {
    const bytes = pixelCount * (img.bytesPerPixel === 1 ? 1 : 2);
    keepPacked(img, pixels, { block: r.pixelBlock, offset: r.pixelBlock.reserve(bytes), bytes });
  }
  return img;
}

function readGap(r: Reader, end: number): FrameGap {
  const gap: FrameGap = { firstMissingSequence: 0, count: 0, reason: 0 };
  let last = 0;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag >>> 3 <= last) throw notCanonical;
    last = tag >>> 3;
    if (tag === 8) gap.firstMissingSequence = r.varint();
    else if (tag === 16) gap.count = r.varint();
    else if (tag === 24) gap.reason = r.int32();
    else throw notCanonical;
  }
  if (r.pos !== end) throw notCanonical;
  return gap;
}

function readSequencedImage(r: Reader, end: number): SequencedImage {
  const s: SequencedImage = { sequence: 0, panoImage: undefined };
  let last = 0;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag >>> 3 <= last) throw notCanonical;
    last = tag >>> 3;
    if (tag === 8) s.sequence = r.varint();
    else if (tag === 18) s.panoImage = readPanoImage(r, r.end(r.varint()));
    else throw notCanonical;
  }
  if (r.pos !== end) throw notCanonical;
  return s;
}

/** A PffFrameRun; its frames are a view of the message's bytes (as the generated decoder's). */
function readPffRun(r: Reader, end: number): PffFrameRun {
  const run: PffFrameRun = { file: '', moduleId: 0, firstFrameNumber: 0, sequences: [], frames: EMPTY_BYTES };
  let last = 0;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag >>> 3 <= last) throw notCanonical;
    last = tag >>> 3;
    if (tag === 10) run.file = r.string();
    else if (tag === 16) run.moduleId = r.uint32();
    else if (tag === 24) run.firstFrameNumber = r.uint32();
    else if (tag === 34) {
      const stop = r.end(r.varint());
      while (r.pos < stop) run.sequences.push(r.varint());
      if (r.pos !== stop) throw notCanonical;
    } else if (tag === 42) {
      const length = r.varint();
      const stop = r.end(length);
      run.frames = r.buf.subarray(r.pos, stop);
      r.pos = stop;
    } else throw notCanonical;
  }
  if (r.pos !== end) throw notCanonical;
  return run;
}

const EMPTY_BYTES = new Uint8Array(0);

function readEveryFrame(r: Reader, end: number): EveryFrameResponse {
  const ef: EveryFrameResponse = { nodeSequence: 0, nodeIncarnation: '', batch: [], gap: undefined, pffRuns: [] };
  let last = 0;
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    // The batch and the PFF runs repeat their fields; every other field comes once, in order.
    if (field < last || (field === last && field !== 3 && field !== 5)) throw notCanonical;
    last = field;
    if (tag === 8) ef.nodeSequence = r.varint();
    else if (tag === 18) ef.nodeIncarnation = r.string();
    else if (tag === 26) ef.batch.push(readSequencedImage(r, r.end(r.varint())));
    else if (tag === 34) ef.gap = readGap(r, r.end(r.varint()));
    else if (tag === 42) ef.pffRuns.push(readPffRun(r, r.end(r.varint())));
    else throw notCanonical;
  }
  if (r.pos !== end) throw notCanonical;
  return ef;
}

function readTimestamp(r: Reader, end: number): Date {
  let seconds = 0;
  let nanos = 0;
  let last = 0;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag >>> 3 <= last) throw notCanonical;
    last = tag >>> 3;
    if (tag === 8) seconds = r.varint();
    else if (tag === 16) nanos = r.int32();
    else throw notCanonical;
  }
  if (r.pos !== end) throw notCanonical;
  // As the generated fromTimestamp.
  return new Date(seconds * 1_000 + nanos / 1_000_000);
}

function readResponse(r: Reader): StreamImagesResponse {
  const response: StreamImagesResponse = { name: '', timestamp: undefined, message: '', panoImage: undefined, everyFrame: undefined };
  const end = r.buf.length;
  let last = 0;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag >>> 3 <= last) throw notCanonical;
    last = tag >>> 3;
    switch (tag) {
      case 10:
        response.name = r.string();
        break;
      case 18:
        response.timestamp = readTimestamp(r, r.end(r.varint()));
        break;
      case 26:
        response.message = r.string();
        break;
      case 34:
        response.panoImage = readPanoImage(r, r.end(r.varint()));
        break;
      case 42:
        response.everyFrame = readEveryFrame(r, r.end(r.varint()));
        break;
      default:
        throw notCanonical;
    }
  }
  return response;
}

/** How decodeStreamImagesResponse gives image_array. */
export interface StreamImagesDecodeOptions {
  /**
   * 'array' (the default): number[], as the generated code. 'packed': left empty, for a caller
   * that only passes the images to parsePanoImage, which then reads the pixels straight from the
   * message's bytes into the typed array (and fills image_array in if they are invalid). The
   * typed arrays of one message's images are then views of one ArrayBuffer (packed-pixels.ts).
   */
  pixels?: 'array' | 'packed';
}

/** StreamImagesResponse.decode, faster for what a node sends; the same result (or error) for any bytes. */
export function decodeStreamImagesResponse(bytes: Uint8Array, options: StreamImagesDecodeOptions = {}): StreamImagesResponse {
  try {
    return readResponse(new Reader(bytes, options.pixels === 'packed'));
  } catch (err) {
    if (err !== notCanonical && !(err instanceof RangeError)) throw err;
    return StreamImagesResponse.decode(bytes);
  }
}
