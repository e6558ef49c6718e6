// The `daq record` file: a MessagePack stream (one object after another, no framing), first
// a header naming the format and version, then one record per image, then an end record with
// the image count. The end record is how a reader knows the file is whole: a stream decoder
// cannot tell a file cut off mid-record from one that ended. A record keeps the raw
// PanoImage fields, the host it came from, the node's send timestamp and the arrival time,
// so `daq replay` reproduces every image exactly and at the recorded cadence.
// Pure and browser-safe: a web page can decode a record file it fetched (record-stream.ts);
// reading and writing files on disk is in record-file.ts, behind @daqdata/core/node.
import type { PanoImage, PanoImage_Type } from '../gen/daq_data.js';

/** The header's format name; a file whose first object lacks it is not a record file. */
export const RECORD_FORMAT = 'daqdata-image-record';
/** The format version this code writes and reads. */
export const RECORD_VERSION = 1;

/** The first object of a record file. */
export interface RecordFileHeader {
  format: typeof RECORD_FORMAT;
  version: number;
  created: Date;
  /** What wrote the file, e.g. "daq record". */
  writer: string;
}

/** One image as recorded: the raw PanoImage with where it came from and when. */
export interface RecordedImage {
  /** host:port (or unix: target) of the node that sent the image. */
  host: string;
  /** When the node sent it (StreamImagesResponse.timestamp). */
  serverTimestamp: Date | undefined;
  /** When it arrived here, Unix milliseconds with a fraction. */
  arrivalUnixMs: number;
  image: PanoImage;
}

/** PanoImage with image_array as little-endian bytes: 2 per pixel when every value fits, else 4. */
export interface EncodedPanoImage {
  type: number;
  header: Record<string, unknown> | null;
  pixels: Uint8Array;
  pixelBytes: 2 | 4;
  shape: number[];
  bytesPerPixel: number;
  file: string;
  frameNumber: number;
  moduleId: number;
}

/** A RecordedImage as it is stored (MessagePack-ready: pixels as bytes, nil for absent values). */
export interface EncodedRecord {
  host: string;
  serverTimestamp: Date | null;
  arrivalUnixMs: number;
  image: EncodedPanoImage;
}

/** The last object of a complete file. */
export interface RecordFileEnd {
  end: true;
  count: number;
}

/** Whether a decoded object is the end record. */
export function isFileEnd(value: unknown): value is RecordFileEnd {
  return isObject(value) && value.end === true;
}

/** The header a writer puts first. */
export function fileHeader(writer: string, created = new Date()): RecordFileHeader {
  return { format: RECORD_FORMAT, version: RECORD_VERSION, created, writer };
}

function encodePixels(values: readonly number[]): { pixels: Uint8Array; pixelBytes: 2 | 4 } {
  const pixelBytes = values.every((v) => v <= 0xffff) ? 2 : 4;
  const pixels = new Uint8Array(values.length * pixelBytes);
  const view = new DataView(pixels.buffer);
  values.forEach((v, i) => (pixelBytes === 2 ? view.setUint16(2 * i, v, true) : view.setUint32(4 * i, v, true)));
  return { pixels, pixelBytes };
}

function decodePixels(bytes: Uint8Array, pixelBytes: 2 | 4): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / pixelBytes;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = pixelBytes === 2 ? view.getUint16(2 * i, true) : view.getUint32(4 * i, true);
  return out;
}

/** The stored form of a record: decodeRecord(encodeRecord(r)) equals r. */
export function encodeRecord(r: RecordedImage): EncodedRecord {
  const { imageArray, header, ...rest } = r.image;
  return {
    host: r.host,
    serverTimestamp: r.serverTimestamp ?? null,
    arrivalUnixMs: r.arrivalUnixMs,
    image: { ...rest, header: (header as Record<string, unknown> | undefined) ?? null, ...encodePixels(imageArray) },
  };
}

/** A record file or record that is not this format; the message names the file, record and field. */
export class RecordFormatError extends Error {
  override readonly name = 'RecordFormatError';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** Throws RecordFormatError("<where>: <field> <reason>") unless value is this format's header. */
export function checkFileHeader(value: unknown, where: string): RecordFileHeader {
  if (!isObject(value) || value.format !== RECORD_FORMAT) {
    throw new RecordFormatError(`${where}: not a daq record file (the first object has no format "${RECORD_FORMAT}")`);
  }
  if (value.version !== RECORD_VERSION) {
    throw new RecordFormatError(`${where}: format version ${JSON.stringify(value.version)} is not supported (this daq reads version ${RECORD_VERSION})`);
  }
  return value as unknown as RecordFileHeader;
}

function field<T>(obj: Record<string, unknown>, key: string, where: string, check: (v: unknown) => v is T, expected: string): T {
  const v = obj[key];
  if (!check(v)) throw new RecordFormatError(`${where}: ${key} is ${v === undefined ? 'missing' : JSON.stringify(v)}, expected ${expected}`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isUintList = (v: unknown): v is number[] => Array.isArray(v) && v.every(isUint);
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isPixelBytes = (v: unknown): v is 2 | 4 => v === 2 || v === 4;
const isTimestamp = (v: unknown): v is Date | null => v === null || v instanceof Date;
const isHeader = (v: unknown): v is Record<string, unknown> | null => v === null || isObject(v);
const isType = (v: unknown): v is PanoImage_Type => isUint(v);

/** The image record, or RecordFormatError naming the record and field. */
export function decodeRecord(value: unknown, where: string): RecordedImage {
  if (!isObject(value)) throw new RecordFormatError(`${where}: not an image record (expected a map)`);
  const img = field(value, 'image', where, isObject, 'a map of PanoImage fields');
  const at = `${where}: image`;
  const pixelBytes = field(img, 'pixelBytes', at, isPixelBytes, '2 or 4');
  const pixels = field(img, 'pixels', at, isBytes, 'bytes');
  if (pixels.byteLength % pixelBytes !== 0) {
    throw new RecordFormatError(`${at}: pixels has ${pixels.byteLength} bytes, not a multiple of pixelBytes ${pixelBytes}`);
  }
  const header = field(img, 'header', at, isHeader, 'a map or nil');
  return {
    host: field(value, 'host', where, isString, 'a string'),
    serverTimestamp: field(value, 'serverTimestamp', where, isTimestamp, 'a timestamp or nil') ?? undefined,
    arrivalUnixMs: field(value, 'arrivalUnixMs', where, isNumber, 'a number (Unix ms)'),
    image: {
      type: field(img, 'type', at, isType, 'a PanoImage type number'),
      header: header ?? undefined,
      imageArray: decodePixels(pixels, pixelBytes),
      shape: field(img, 'shape', at, isUintList, 'a list of non-negative integers'),
      bytesPerPixel: field(img, 'bytesPerPixel', at, isUint, 'a non-negative integer'),
      file: field(img, 'file', at, isString, 'a string'),
      frameNumber: field(img, 'frameNumber', at, isUint, 'a non-negative integer'),
      moduleId: field(img, 'moduleId', at, isUint, 'a non-negative integer'),
    },
  };
}
