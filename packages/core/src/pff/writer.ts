// Writing PFF frames to a file the way the recorder does, for the simulator and tests (Node
// only, exported from @daqdata/core/node; the bytes come from frame-encoder.ts).
import { open, type FileHandle } from 'node:fs/promises';
import type { DataProductInfo } from './data-product.js';
import { encodeFrame } from './frame-encoder.js';
import type { FrameHeader } from './header.js';

/** Appends frames to a file. Appends are queued, so un-awaited calls still land in call order. */
export class PffWriter {
  private written = 0;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    readonly dataProduct: DataProductInfo,
    private readonly handle: FileHandle,
  ) {}

  /** Opens (creating or appending to) a frame file of data product dp. */
  static async open(path: string, dp: DataProductInfo): Promise<PffWriter> {
    return new PffWriter(path, dp, await open(path, 'a'));
  }

  /** Bytes this writer has appended so far. */
  get bytesWritten(): number {
    return this.written;
  }

  /** Appends one frame with the recorder's byte layout. */
  append(header: FrameHeader, pixels: ArrayLike<number>): Promise<void> {
    return this.appendRaw(encodeFrame(header, pixels, this.dataProduct));
  }

  /** Appends arbitrary bytes: lets tests write half a frame now and the rest later. */
  appendRaw(bytes: Uint8Array): Promise<void> {
    const done = this.queue.then(async () => {
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset);
        offset += bytesWritten;
        this.written += bytesWritten;
      }
    });
    // A failed write rejects its own caller; the queue continues with the next append.
    this.queue = done.catch(() => undefined);
    return done;
  }

  /** Waits for queued appends, then closes the file. */
  async close(): Promise<void> {
    await this.queue;
    await this.handle.close();
  }
}
