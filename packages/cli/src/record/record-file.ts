// Writing and reading record files. Writing respects the stream's backpressure; reading
// decodes the MessagePack stream object by object (decodeMultiStream), so a file of any size
// replays in constant memory.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Encoder, decodeMultiStream } from '@msgpack/msgpack';
import { checkFileHeader, decodeRecord, encodeRecord, fileHeader, RecordFormatError, type RecordFileHeader, type RecordedImage } from './record-format.js';

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

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** The header and then every image of a record file; RecordFormatError names the file and record. */
export async function* readRecordFile(path: string): AsyncGenerator<RecordedImage, void, undefined> {
  let index = -1;
  let header: RecordFileHeader | undefined;
  try {
    for await (const value of decodeMultiStream(createReadStream(path))) {
      if (index === -1) header = checkFileHeader(value, path);
      else yield decodeRecord(value, `${path}: record ${index + 1}`);
      index++;
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
}
