// A frame's PanoImage in protobuf wire format, written straight from the frame: the same bytes
// as PanoImage.encode(panoImageFromFrame(frame, meta)) (a test compares them for every data
// product and for headers of every JSON value type), without the intermediate message. The
// generic path builds a 1,024-element number array, a structuredClone of the header and a
// google.protobuf.Struct wrapper tree per frame and grows its writer in chunks; with one client
// at the minimum interval every frame is encoded, and that path was the largest per-frame cost
// of the node in a CPU profile. Here one scratch buffer is reused, and the result is a view of
// it, valid until the next call: the image copies it once to where it is kept (its own buffer,
// or the ring's slab: no intermediate ArrayBuffer per frame).
// Field order, defaults and value encodings follow the generated code (ts-proto): fields in
// number order, proto3 defaults omitted, header keys in insertion order, every JSON number a
// double, a Struct entry whose value is undefined skipped.
import { panoImageType, type DataProductInfo, type PffFrame, type Pixels } from '@daqdata/core';

const utf8 = new TextEncoder();
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
/** Space left for a nested message's length before its content is written (uint32 varint). */
const LENGTH_RESERVE = 5;

class ScratchWriter {
  buf = new Uint8Array(16 * 1024);
  view = new DataView(this.buf.buffer);
  pos = 0;

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  /** Unsigned varint of a uint32 (as BinaryWriter.uint32: the value is taken modulo 2^32). */
  uint32(v: number): void {
    this.ensure(5);
    v >>>= 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  string(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    this.ensure(LENGTH_RESERVE + 3 * s.length);
    const start = this.pos + LENGTH_RESERVE;
    const { written } = utf8.encodeInto(s, this.buf.subarray(start));
    this.closeLength(start, start + written);
  }

  /** Starts a length-delimited body; returns where it begins (pass to endLength). */
  beginLength(): number {
    this.ensure(LENGTH_RESERVE);
    this.pos += LENGTH_RESERVE;
    return this.pos;
  }

  endLength(start: number): void {
    this.closeLength(start, this.pos);
  }

  /** Writes the body's length before it and moves the body up against it. */
  private closeLength(start: number, end: number): void {
    const length = end - start;
    this.pos = start - LENGTH_RESERVE;
    this.uint32(length);
    if (this.pos !== start) this.buf.copyWithin(this.pos, start, end);
    this.pos += length;
  }
}

const scratch = new ScratchWriter();

/** google.protobuf.Value of a JSON value (as Value.wrap + Value.encode). */
function writeValue(w: ScratchWriter, value: unknown): void {
  if (value === null) {
    w.tag(1, WIRE_VARINT);
    w.uint32(0); // NULL_VALUE
  } else if (typeof value === 'boolean') {
    w.tag(4, WIRE_VARINT);
    w.uint32(value ? 1 : 0);
  } else if (typeof value === 'number') {
    w.tag(2, WIRE_FIXED64);
    w.double(value);
  } else if (typeof value === 'string') {
    w.tag(3, WIRE_LENGTH);
    w.string(value);
  } else if (Array.isArray(value)) {
    w.tag(6, WIRE_LENGTH);
    const list = w.beginLength();
    for (const item of value) {
      w.tag(1, WIRE_LENGTH);
      const v = w.beginLength();
      writeValue(w, item);
      w.endLength(v);
    }
    w.endLength(list);
  } else if (typeof value === 'object') {
    w.tag(5, WIRE_LENGTH);
    const struct = w.beginLength();
    writeStructFields(w, value as Record<string, unknown>);
    w.endLength(struct);
  } else if (typeof value !== 'undefined') {
    throw new Error(`Unsupported any value type: ${typeof value}`);
  }
}

/**
 * The leading bytes of a Struct map entry whose value is a number, up to the double itself:
 * entry tag and length, key, value tag and length, Value's number_value tag. A header's keys
 * repeat in every frame, and writing them field by field (a UTF-8 encoding and three nested
 * lengths per key) was most of the cost of encoding a ph256 frame, whose values are all numbers.
 */
const numberEntryPrefixes = new Map<string, Uint8Array>();
/** Keys remembered at most (a header's keys are a handful; a hostile file's may be many). */
const MAX_REMEMBERED_KEYS = 256;
/** Longer keys are written field by field (their prefix would not fit a one-byte entry length). */
const MAX_REMEMBERED_KEY_LENGTH = 64;
/** A number Value: its tag and the 8 bytes of its double. */
const NUMBER_VALUE_BYTES = 9;

function numberEntryPrefix(key: string): Uint8Array | undefined {
  const known = numberEntryPrefixes.get(key);
  if (known !== undefined || key.length > MAX_REMEMBERED_KEY_LENGTH || numberEntryPrefixes.size >= MAX_REMEMBERED_KEYS) return known;
  const keyBytes = utf8.encode(key);
  // key field (omitted for '', as ts-proto omits the proto3 default), value field, Value's tag.
  const keyField = key === '' ? [] : [(1 << 3) | WIRE_LENGTH, keyBytes.length, ...keyBytes];
  const entryLength = keyField.length + 2 + NUMBER_VALUE_BYTES;
  if (keyBytes.length > 0x7f || entryLength > 0x7f) return undefined; // lengths of one varint byte only
  const prefix = Uint8Array.from([(1 << 3) | WIRE_LENGTH, entryLength, ...keyField, (2 << 3) | WIRE_LENGTH, NUMBER_VALUE_BYTES, (2 << 3) | WIRE_FIXED64]);
  numberEntryPrefixes.set(key, prefix);
  return prefix;
}

/** The body of a google.protobuf.Struct: one map entry { key = 1; value = 2 } per defined field. */
function writeStructFields(w: ScratchWriter, object: Record<string, unknown>): void {
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === undefined) continue;
    const prefix = typeof value === 'number' ? numberEntryPrefix(key) : undefined;
    if (prefix !== undefined) {
      w.ensure(prefix.length + 8);
      w.buf.set(prefix, w.pos);
      w.pos += prefix.length;
      w.double(value as number);
      continue;
    }
    w.tag(1, WIRE_LENGTH);
    const entry = w.beginLength();
    if (key !== '') {
      w.tag(1, WIRE_LENGTH);
      w.string(key);
    }
    w.tag(2, WIRE_LENGTH);
    const v = w.beginLength();
    writeValue(w, value);
    w.endLength(v);
    w.endLength(entry);
  }
}

/** Each pixel's 16-bit two's complement as a varint (1 to 3 bytes), from `pos`; returns the end. */
function writePixelVarints(buf: Uint8Array, pos: number, pixels: Pixels): number {
  for (let i = 0; i < pixels.length; i++) pos = writeVarint16(buf, pos, pixels[i]! & 0xffff);
  return pos;
}

/** The same from little-endian pixel bytes: a 16-bit pixel's two bytes are already its two's complement. */
function writePixelByteVarints(buf: Uint8Array, pos: number, bytes: Uint8Array, bytesPerPixel: 1 | 2): number {
  if (bytesPerPixel === 1) {
    for (let i = 0; i < bytes.length; i++) pos = writeVarint16(buf, pos, bytes[i]!);
  } else {
    for (let i = 0; i + 1 < bytes.length; i += 2) pos = writeVarint16(buf, pos, bytes[i]! | (bytes[i + 1]! << 8));
  }
  return pos;
}

function writeVarint16(buf: Uint8Array, pos: number, v: number): number {
  if (v > 0x7f) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
    if (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
  }
  buf[pos++] = v;
  return pos;
}

export interface FrameImageMeta {
  file: string;
  moduleId: number;
  dataProduct: DataProductInfo;
}

/**
 * A frame's pixels as the encoder takes them: typed (`pixels`), or their little-endian bytes as
 * the PFF file holds them (`pixelBytes`, e.g. a view of a read buffer: no typed copy is made).
 */
export type FramePixelInput = { pixels: Pixels } | { pixelBytes: Uint8Array };

/** PanoImage bytes of a frame (pixels as uint32 of their 16-bit two's complement, as panoImageFromFrame), in a scratch buffer the next call overwrites: copy them. */
export function encodeFramePanoImage(frame: Pick<PffFrame, 'header' | 'index'> & FramePixelInput, meta: FrameImageMeta): Uint8Array {
  const w = scratch;
  const dp = meta.dataProduct;
  w.pos = 0;
  // type, shape and bytes_per_pixel are never proto3 defaults (0 / empty) for a data product,
  // and small positive int32s are written as plain varints.
  w.tag(1, WIRE_VARINT);
  w.uint32(panoImageType(dp.kind));
  w.tag(2, WIRE_LENGTH);
  const header = w.beginLength();
  writeStructFields(w, frame.header as unknown as Record<string, unknown>);
  w.endLength(header);
  const count = 'pixels' in frame ? frame.pixels.length : frame.pixelBytes.length / dp.bytesPerPixel;
  if (count !== 0) {
    w.tag(3, WIRE_LENGTH);
    const array = w.beginLength();
    w.ensure(3 * count); // 16-bit values take at most 3 varint bytes
    w.pos = 'pixels' in frame ? writePixelVarints(w.buf, w.pos, frame.pixels) : writePixelByteVarints(w.buf, w.pos, frame.pixelBytes, dp.bytesPerPixel);
    w.endLength(array);
  }
  w.tag(4, WIRE_LENGTH);
  const shape = w.beginLength();
  w.uint32(dp.rows);
  w.uint32(dp.cols);
  w.endLength(shape);
  w.tag(5, WIRE_VARINT);
  w.uint32(dp.bytesPerPixel);
  if (meta.file !== '') {
    w.tag(6, WIRE_LENGTH);
    w.string(meta.file);
  }
  if (frame.index !== 0) {
    w.tag(7, WIRE_VARINT);
    w.uint32(frame.index);
  }
  if (meta.moduleId !== 0) {
    w.tag(8, WIRE_VARINT);
    w.uint32(meta.moduleId);
  }
  return w.buf.subarray(0, w.pos);
}
