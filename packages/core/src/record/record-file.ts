// Record files on disk (Node only, exported from @daqdata/core/node): RecordWriter writes
// RecordEncoder's bytes respecting the stream's backpressure; readRecordFile feeds a read
// stream to decodeRecordStream, so a file of any size replays in constant memory.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { RecordFormatError, type RecordedImage } from './record-format.js';
import { decodeRecordStream, RecordEncoder } from './record-stream.js';

/** Writes a record file: open() writes the header, write() each image, close() the end record. */
export class RecordWriter {
  readonly #encoder = new RecordEncoder();

  private constructor(readonly path: string, private readonly out: WriteStream) {}

  /** Creates (or truncates) the file and writes the header. */
  static async open(path: string, writer: string): Promise<RecordWriter> {
    const out = createWriteStream(path);
    await Promise.race([once(out, 'open'), once(out, 'error').then(([e]) => Promise.reject(e))]);
    const w = new RecordWriter(path, out);
    await w.#write(w.#encoder.header(writer));
    return w;
  }

  /** Images written so far. */
  get count(): number {
    return this.#encoder.count;
  }

  /** Bytes written so far, header included. */
  get bytes(): number {
    return this.#encoder.bytes;
  }

  /** Appends one image, waiting while the stream's buffer is full. */
  async write(record: RecordedImage): Promise<void> {
    await this.#write(this.#encoder.record(record));
  }

  async #write(bytes: Uint8Array): Promise<void> {
    if (!this.out.write(bytes)) await once(this.out, 'drain');
  }

  /** Writes the end record and closes the file. */
  async close(): Promise<void> {
    await this.#write(this.#encoder.end());
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** The file's bytes; a missing file becomes RecordFormatError "<path>: no such file". */
async function* fileBytes(path: string): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    yield* createReadStream(path) as AsyncIterable<Uint8Array>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RecordFormatError(`${path}: no such file`);
    throw e;
  }
}

/** Every image of a record file; RecordFormatError names the file and record. */
export function readRecordFile(path: string): AsyncGenerator<RecordedImage, void, undefined> {
  return decodeRecordStream(fileBytes(path), path);
}
