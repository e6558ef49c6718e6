// Random access to a PFF file on disk. Frame k is at k * frameSize, and the frame count comes
// from the file size, so reading the last frame of a 1 GB file costs one fstat and one read.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { DATA_PRODUCTS, pixelByteLength } from './data-product.js';
import { PffError } from './errors.js';
import { parseDataFileName, type DataFileName } from './file-name.js';
import { MAX_HEADER_BYTES, detectLayout, type FrameLayout } from './frame-layout.js';
import { parseFrame, readFrames, type PffFrame, type ReadResult } from './frame-reader.js';
import type { BadRun } from './frame-scanner.js';

/** Enough bytes for the longest allowed header, the '*', the pixels and the next frame's first byte. */
function probeLength(name: DataFileName): number {
  return MAX_HEADER_BYTES + 2 + pixelByteLength(DATA_PRODUCTS[name.dataProduct]);
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/**
 * The layout of the frame file open on `handle` (named `name`): dp and bpp from the name, the
 * rest from its first header; 'need-more' while that header is incomplete. For callers that
 * must read through a descriptor they have already checked (the server's confinement).
 */
export async function readLayout(handle: FileHandle, name: DataFileName): Promise<FrameLayout | 'need-more'> {
  const probe = await readAt(handle, 0, probeLength(name));
  return detectLayout(probe, DATA_PRODUCTS[name.dataProduct], name.fileName);
}

/** A PFF frame file open for random access: frame k at k * frameSize, the frame count from the file size. */
export class PffFile {
  private constructor(
    readonly path: string,
    readonly name: DataFileName,
    readonly layout: FrameLayout,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Opens a frame file: dp and bpp from its name, layout from its first header. Throws
   * PffError for a bad name or inconsistent data, and PffError 'header-incomplete' while the
   * file does not yet hold its first complete header (see tryOpen).
   */
  static async open(path: string): Promise<PffFile> {
    const file = await PffFile.tryOpen(path);
    if (!file) {
      throw new PffError('header-incomplete', basename(path), 0, 'the first frame header is not complete yet (file still being written)');
    }
    return file;
  }

  /** Like open, but undefined while the first header is still incomplete: retry when the file grows. */
  static async tryOpen(path: string): Promise<PffFile | undefined> {
    const name = parseDataFileName(path);
    const handle = await open(path, 'r');
    try {
      const layout = await readLayout(handle, name);
      if (layout === 'need-more') {
        await handle.close();
        return undefined;
      }
      return new PffFile(path, name, layout, handle);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  /** Current file size in bytes. */
  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  /** Complete frames in the file now: floor(size / frameSize). */
  async frameCount(): Promise<number> {
    return Math.floor((await this.size()) / this.layout.frameSize);
  }

  /** Frame k (0-based); RangeError if the file has no complete frame k, PffError if it is malformed. */
  async readFrame(k: number): Promise<PffFrame> {
    if (!Number.isSafeInteger(k) || k < 0) throw new RangeError(`${this.name.fileName}: frame index ${k} is not a non-negative integer`);
    const offset = k * this.layout.frameSize;
    const bytes = await readAt(this.handle, offset, this.layout.frameSize);
    if (bytes.length < this.layout.frameSize) {
      throw new RangeError(`${this.name.fileName}: no complete frame ${k} (file holds ${await this.frameCount()} complete frames)`);
    }
    return parseFrame(bytes, this.layout, { file: this.name.fileName, offset });
  }

  /** The last complete frame, or undefined when there is none yet. */
  async readLastFrame(): Promise<PffFrame | undefined> {
    const count = await this.frameCount();
    return count === 0 ? undefined : this.readFrame(count - 1);
  }

  /**
   * Complete frames from file offset `from` up to the current end, reading at most `maxBytes`
   * (rounded down to whole frames, at least one frame) plus the next frame's header, which
   * confirms the last frame's size: for following a growing file. Pass the previous result's
   * `badRun` along with its `next`. Reaching the end of the file, the last frame is taken
   * without a next header (see readFrames).
   */
  async readFramesFrom(from: number, maxBytes = 16 * 1024 * 1024, badRun?: BadRun): Promise<ReadResult> {
    const { frameSize, headerLength } = this.layout;
    const size = await this.size();
    const frames = Math.max(1, Math.floor(maxBytes / frameSize));
    const length = Math.max(0, Math.min(size - from, frames * frameSize + headerLength + 1));
    const bytes = await readAt(this.handle, from, length);
    return readFrames(bytes, from, this.layout, { file: this.name.fileName, chunkOffset: from, badRun, final: from + bytes.length >= size });
  }

  /** Closes the file handle. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Every frame of a whole file, with the runs of bytes that are not frames reported (tests, CLI). */
export async function readPffFile(path: string): Promise<{ name: DataFileName; layout: FrameLayout | undefined; frames: PffFrame[]; errors: PffError[] }> {
  const name = parseDataFileName(path);
  const bytes = await readFile(path);
  const layout = detectLayout(bytes, DATA_PRODUCTS[name.dataProduct], name.fileName);
  if (layout === 'need-more') return { name, layout: undefined, frames: [], errors: [] };
  const { frames, errors } = readFrames(bytes, 0, layout, { file: name.fileName, final: true });
  return { name, layout, frames, errors };
}
