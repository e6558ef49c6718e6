// Writing PFF frames the way the recorder does, for the simulator and tests.
import { open, type FileHandle } from 'node:fs/promises';
import { pixelsToBytes, type DataProductInfo } from './data-product.js';
import { STAR } from './frame-layout.js';
import { formatHeader } from './header-format.js';
import type { FrameHeader } from './header.js';

const utf8 = new TextEncoder();

/** One frame's bytes: header text, '*', little-endian pixels. */
export function encodeFrame(header: FrameHeader, pixels: ArrayLike<number>, dp: DataProductInfo): Uint8Array {
  const head = utf8.encode(formatHeader(header, dp));
  const body = pixelsToBytes(dp, pixels);
  const out = new Uint8Array(head.length + 1 + body.length);
  out.set(head, 0);
  out[head.length] = STAR;
  out.set(body, head.length + 1);
  return out;
}

/** Appends frames to a file. Appends are queued, so un-awaited calls still land in call order. */
export class PffWriter {
  private written = 0;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    readonly dataProduct: DataProductInfo,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string, dp: DataProductInfo): Promise<PffWriter> {
    return new PffWriter(path, dp, await open(path, 'a'));
  }

  /** Bytes this writer has appended so far. */
  get bytesWritten(): number {
    return this.written;
  }

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

  async close(): Promise<void> {
    await this.queue;
    await this.handle.close();
  }
}
