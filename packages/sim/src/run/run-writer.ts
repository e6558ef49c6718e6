// Writes one run the way a recorder does (REFERENCE section 1): DATA_DIR/module_N/<run dir>/
// one file per data product, appended through the core PffWriter, the next seqno started when
// a file would pass the size limit or holds its frame limit (the old file is never touched again). With chunkBytes set,
// bytes go out in fixed-size buffered writes, so a file can end mid-frame until the next write.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_PRODUCTS, formatDataFileName, formatRunDirName, type DataProduct } from '@daqdata/core';
import { PffWriter } from '@daqdata/core/node';

export interface RunWriterOptions {
  dataDir: string;
  /** Observatory name in the run directory name. */
  obs?: string;
  runtype?: string;
  /** Run start (names the run directory and its files); now when omitted. */
  start?: Date;
  /** A file is closed and the next seqno opened before it would grow past this many bytes. */
  maxFileBytes?: number;
  /** Buffered writes of this many bytes, which may split frames; whole frames when omitted. */
  chunkBytes?: number;
  /** The next seqno is also started after this many frames (the reference's frames_per_pff); size only when omitted. */
  maxFramesPerFile?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The file currently being written for one module and data product. */
interface OpenFile {
  writer: PffWriter;
  seqno: number;
  /** Bytes handed to this file, written or still buffered. */
  size: number;
  frames: number;
  pending: Uint8Array[];
  pendingBytes: number;
}

export interface RunWriterStats {
  frames: number;
  bytes: number;
  /** Every data file created, in creation order. */
  files: string[];
}

export class RunWriter {
  readonly runDirName: string;
  private readonly start: Date;
  private readonly maxFileBytes: number;
  private readonly chunkBytes: number | undefined;
  private readonly maxFramesPerFile: number;
  private readonly open = new Map<string, OpenFile>();
  private readonly stats: RunWriterStats = { frames: 0, bytes: 0, files: [] };
  /** Writes run one at a time, so rollover and chunking see a consistent state even if callers do not await. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: RunWriterOptions) {
    this.start = opts.start ?? new Date();
    if (Number.isNaN(this.start.getTime())) throw new RangeError('run start is not a valid time');
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (!(this.maxFileBytes > 0)) throw new RangeError(`maxFileBytes must be positive, got ${opts.maxFileBytes}`);
    if (opts.chunkBytes !== undefined && !(Number.isInteger(opts.chunkBytes) && opts.chunkBytes > 0)) {
      throw new RangeError(`chunkBytes must be a positive integer, got ${opts.chunkBytes}`);
    }
    this.chunkBytes = opts.chunkBytes;
    this.maxFramesPerFile = opts.maxFramesPerFile ?? Infinity;
    if (!(this.maxFramesPerFile >= 1)) throw new RangeError(`maxFramesPerFile must be at least 1, got ${opts.maxFramesPerFile}`);
    this.runDirName = formatRunDirName({ obs: opts.obs ?? 'sim', start: this.start, runtype: opts.runtype ?? 'sim' });
  }

  /** DATA_DIR/module_N/<run dir>. */
  runDir(moduleId: number): string {
    return join(this.opts.dataDir, `module_${moduleId}`, this.runDirName);
  }

  get written(): Readonly<RunWriterStats> {
    return this.stats;
  }

  /** Appends one encoded frame (header, '*', pixels) to the module's file for this data product. */
  write(moduleId: number, dataProduct: DataProduct, frame: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`run writer for ${this.runDirName} is closed`));
    return this.enqueue(() => this.writeNow(moduleId, dataProduct, frame));
  }

  /** Writes out everything buffered, ending every file on a frame boundary. */
  flush(): Promise<void> {
    return this.enqueue(async () => {
      for (const file of this.open.values()) await this.drain(file, 0);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return this.queue;
    this.closed = true;
    await this.enqueue(async () => {
      for (const file of this.open.values()) {
        await this.drain(file, 0);
        await file.writer.close();
      }
      this.open.clear();
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const done = this.queue.then(task);
    this.queue = done.catch(() => undefined);
    return done;
  }

  private async writeNow(moduleId: number, dataProduct: DataProduct, frame: Uint8Array): Promise<void> {
    const key = `${moduleId}/${dataProduct}`;
    let file = this.open.get(key);
    if (file && file.size > 0 && (file.size + frame.length > this.maxFileBytes || file.frames >= this.maxFramesPerFile)) {
      await this.drain(file, 0);
      await file.writer.close();
      file = await this.openFile(moduleId, dataProduct, file.seqno + 1);
      this.open.set(key, file);
    }
    if (!file) {
      file = await this.openFile(moduleId, dataProduct, 0);
      this.open.set(key, file);
    }
    file.size += frame.length;
    file.frames++;
    file.pending.push(frame);
    file.pendingBytes += frame.length;
    this.stats.frames++;
    this.stats.bytes += frame.length;
    await this.drain(file, this.chunkBytes ?? 0);
  }

  private async openFile(moduleId: number, dataProduct: DataProduct, seqno: number): Promise<OpenFile> {
    const dir = this.runDir(moduleId);
    await mkdir(dir, { recursive: true });
    const path = join(dir, formatDataFileName({ start: this.start, dataProduct, moduleId, seqno }));
    const writer = await PffWriter.open(path, DATA_PRODUCTS[dataProduct]);
    this.stats.files.push(path);
    return { writer, seqno, size: 0, frames: 0, pending: [], pendingBytes: 0 };
  }

  /**
   * Writes buffered bytes: with chunk 0 everything, otherwise whole chunks only, keeping the
   * remainder (possibly part of a frame) for later, like a recorder's buffered writer.
   */
  private async drain(file: OpenFile, chunk: number): Promise<void> {
    if (file.pendingBytes === 0) return;
    const writable = chunk === 0 ? file.pendingBytes : file.pendingBytes - (file.pendingBytes % chunk);
    if (writable === 0) return;
    const all = file.pending.length === 1 ? file.pending[0]! : Buffer.concat(file.pending, file.pendingBytes);
    const rest = all.subarray(writable);
    file.pending = rest.length > 0 ? [rest.slice()] : [];
    file.pendingBytes = rest.length;
    if (chunk === 0) {
      await file.writer.appendRaw(all.subarray(0, writable));
      return;
    }
    for (let off = 0; off < writable; off += chunk) await file.writer.appendRaw(all.subarray(off, off + chunk));
  }
}
