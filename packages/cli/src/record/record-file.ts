// Writing and reading record files. Writing respects the stream's backpressure; reading
// decodes the MessagePack stream object by object (decodeMultiStream), so a file of any size
// replays in constant memory.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
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

export class RecordWriter {
  readonly #encoder = new Encoder();
  #count = 0;
  #bytes = 0;

  private constructor(readonly path: string, private readonly out: WriteStream) {}

  /** Creates (or truncates) the file and writes the header. */
  static async open(path: string, writer: string): Promise<RecordWriter> {
    const out = createWriteStream(path);
    await Promise.race([once(out, 'open'), once(out, 'error').then(([e]) => Promise.reject(e))]);
    const w = new RecordWriter(path, out);
    await w.#write(fileHeader(writer));
    return w;
  }

  get count(): number {
    return this.#count;
  }

  get bytes(): number {
    return this.#bytes;
  }

  async write(record: RecordedImage): Promise<void> {
    await this.#write(encodeRecord(record));
    this.#count++;
  }

  async #write(value: unknown): Promise<void> {
    // encode() returns a fresh copy (unlike encodeSharedRef), safe to hand to the stream.
    const bytes = this.#encoder.encode(value);
    this.#bytes += bytes.byteLength;
    if (!this.out.write(bytes)) await once(this.out, 'drain');
  }

  /** Writes the end record and closes the file. */
  async close(): Promise<void> {
    await this.#write({ end: true, count: this.#count } satisfies RecordFileEnd);
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** The header and then every image of a record file; RecordFormatError names the file and record. */
export async function* readRecordFile(path: string): AsyncGenerator<RecordedImage, void, undefined> {
  let index = -1;
  let header: RecordFileHeader | undefined;
  let end: RecordFileEnd | undefined;
  try {
    for await (const value of decodeMultiStream(createReadStream(path))) {
      if (end) throw new RecordFormatError(`${path}: data after the end record`);
      if (index === -1) header = checkFileHeader(value, path);
      else if (isFileEnd(value)) end = value;
      else yield decodeRecord(value, `${path}: record ${index + 1}`);
      if (!end) index++;
    }
  } catch (e) {
    if (e instanceof RecordFormatError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RecordFormatError(`${path}: no such file`);
    throw new RecordFormatError(
      index < 0 ? `${path}: not a daq record file (${reason})` : `${path}: record ${index + 1} is truncated or corrupt (${reason})`,
    );
  }
  if (!header) throw new RecordFormatError(`${path}: empty file, not a daq record file`);
  if (!end) {
    throw new RecordFormatError(`${path}: ends after record ${index} without the end record: the recording was cut off or the file is truncated`);
  }
  if (end.count !== index) throw new RecordFormatError(`${path}: the end record counts ${end.count} images, the file holds ${index}`);
}
