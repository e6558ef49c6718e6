// A record file as bytes, with no file system: RecordEncoder turns the header, the records and
// the end record into MessagePack bytes for any sink, and decodeRecordStream checks and decodes
// any byte stream (a Node read stream, a fetch() body in a browser) object by object
// (decodeMultiStream), so a file of any size decodes in constant memory. record-file.ts puts
// both on disk.
import { Encoder, decodeMultiStream } from '@msgpack/msgpack';
import {
  checkFileHeader,
  decodeRecord,
  encodeRecord,
  fileHeader,
  isFileEnd,
  RecordFormatError,
  type RecordFileEnd,
  type RecordFileHeader,
  type RecordedImage,
} from './record-format.js';

/** Bytes of a record file in order: header(), then record() per image, then end(). */
export class RecordEncoder {
  readonly #encoder = new Encoder();
  #count = 0;
  #bytes = 0;

  /** Images encoded so far. */
  get count(): number {
    return this.#count;
  }

  /** Bytes encoded so far, header included. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The header object's bytes; `writer` says what wrote the file, e.g. "daq record". */
  header(writer: string, created?: Date): Uint8Array {
    return this.#encode(fileHeader(writer, created));
  }

  /** One image's bytes. */
  record(record: RecordedImage): Uint8Array {
    const bytes = this.#encode(encodeRecord(record));
    this.#count++;
    return bytes;
  }

  /** The end record's bytes, counting the images encoded. */
  end(): Uint8Array {
    return this.#encode({ end: true, count: this.#count } satisfies RecordFileEnd);
  }

  #encode(value: unknown): Uint8Array {
    // encode() returns a fresh copy (unlike encodeSharedRef), safe to hand to a stream.
    const bytes = this.#encoder.encode(value);
    this.#bytes += bytes.byteLength;
    return bytes;
  }
}

/**
 * Bounds on any one MessagePack value of a record file, far above what a record holds (a
 * 32x32 image's pixels are 4 KiB at most) and far below what a corrupt length prefix could ask
 * for: a damaged or hostile file is reported instead of buffering gigabytes.
 */
export const RECORD_DECODE_LIMITS = {
  /** Bytes of one binary value (an image's pixels). */
  maxBinLength: 16 * 1024 * 1024,
  /** Bytes of one string (a file name, a host, a header value). */
  maxStrLength: 1024 * 1024,
  /** Entries of one array (an image's shape, a header list). */
  maxArrayLength: 65_536,
  /** Keys of one map (a record, an image, a frame header). */
  maxMapLength: 4096,
} as const;

/** What decodeRecordStream reads: a web ReadableStream or any async iterable of byte chunks. */
export type RecordByteSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/**
 * Every image of a record file's bytes, checking the header first and the end record last;
 * RecordFormatError names `where` (the file) and the record. A RecordFormatError thrown by the
 * source passes through unchanged (how a file reader reports a missing file).
 */
export async function* decodeRecordStream(source: RecordByteSource, where: string): AsyncGenerator<RecordedImage, void, undefined> {
  let index = -1;
  let header: RecordFileHeader | undefined;
  let end: RecordFileEnd | undefined;
  try {
    for await (const value of decodeMultiStream<undefined>(source, RECORD_DECODE_LIMITS)) {
      if (end) throw new RecordFormatError(`${where}: data after the end record`);
      if (index === -1) header = checkFileHeader(value, where);
      else if (isFileEnd(value)) end = value;
      else yield decodeRecord(value, `${where}: record ${index + 1}`);
      if (!end) index++;
    }
  } catch (e) {
    if (e instanceof RecordFormatError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new RecordFormatError(
      index < 0 ? `${where}: not a daq record file (${reason})` : `${where}: record ${index + 1} is truncated or corrupt (${reason})`,
    );
  }
  if (!header) throw new RecordFormatError(`${where}: empty file, not a daq record file`);
  if (!end) {
    throw new RecordFormatError(`${where}: ends after record ${index} without the end record: the recording was cut off or the file is truncated`);
  }
  if (end.count !== index) throw new RecordFormatError(`${where}: the end record counts ${end.count} images, the file holds ${index}`);
}
