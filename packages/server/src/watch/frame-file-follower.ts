// Follows one PFF file while the recorder appends to it. Appends are signalled by fs.watch on
// the file itself (inotify: one event per write, unthrottled), so the last append of a burst
// is never lost. A signal costs one pread of the bytes after the last consumed frame (at most
// READ_FRAMES frames; with a larger backlog, one fstat and a pread of just the newest complete
// frame): the cost does not depend on the file size. Only the newest complete frame is
// parsed and published — clients get the newest frame they have not seen, never a backlog.
// Reads are paced at the node's update interval with the shared throttle rule (no client may
// receive two frames of a module sooner, so reading more often is wasted work), with a
// trailing read so the last append is always read.
// The pread is synchronous on purpose: the bytes were just written, so they come from the page
// cache in microseconds, while an async read costs a thread-pool round trip and several
// promise allocations per append — measured as the largest per-append cost at high rates.
// A partial frame at the end waits for its rest; truncation, replacement and deletion are
// detected and re-synchronised with a log line.
import { fstatSync, readSync, watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { PffFile, isPffError, parseFrame, type DataFileName, type FrameLayout, type PffFrame } from '@daqdata/core';
import type { Clock } from '../broadcast/clock.js';
import { runAt, type Cancel } from '../broadcast/run-at.js';
import { decideThrottle } from '../broadcast/throttle.js';
import type { Logger } from '../log/logger.js';

/** Frames read per signal before switching to "jump to the newest frame". */
const READ_FRAMES = 64;
/**
 * A signal that brings no new bytes may mean truncation, deletion or a rename over the file
 * (the old inode's link count changes): when an fstat of the open file says so, the path is
 * checked at most this often, with a trailing check so the last such signal is never lost.
 */
const IDENTITY_CHECK_MS = 50;

export interface FollowedFrame {
  frame: PffFrame;
  name: DataFileName;
}

export interface FollowerEvents {
  onFrame(f: FollowedFrame): void;
  /** The file was deleted: the follower has stopped itself. */
  onGone(path: string): void;
}

interface OpenFile {
  handle: FileHandle;
  layout: FrameLayout;
  ino: number;
  buffer: Uint8Array;
}

export class FrameFileFollower {
  private file: OpenFile | undefined;
  /** File offset just past the last frame consumed (a frame boundary). */
  private offset = 0;
  private reading: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private fsWatcher: FSWatcher | undefined;
  /** Set once a file-level problem was logged, so a broken file is not reported on every append. */
  private failed = false;
  private lastIdentityCheck: number | null = null;
  private identityTimer: Cancel | null = null;
  private lastReadAt: number | null = null;
  private readTimer: Cancel | null = null;

  private constructor(
    readonly path: string,
    readonly name: DataFileName,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly readIntervalMs: () => number,
    private readonly events: FollowerEvents,
  ) {}

  /** Starts following `path` and delivers its newest complete frame, if any. */
  static async start(
    path: string,
    name: DataFileName,
    opts: { log: Logger; clock: Clock; readIntervalMs: () => number },
    events: FollowerEvents,
  ): Promise<FrameFileFollower> {
    const f = new FrameFileFollower(path, name, opts.log.child({ file: name.fileName }), opts.clock, opts.readIntervalMs, events);
    f.watchFile();
    await f.readNow();
    return f;
  }

  private watchFile(): void {
    this.fsWatcher?.close();
    try {
      this.fsWatcher = watch(this.path, { persistent: false }, (event) => {
        if (event === 'rename') void this.checkIdentity();
        else this.signal();
      });
      this.fsWatcher.on('error', (err) => this.log.warn('file watch error', { error: err.message }));
    } catch (err) {
      // The file vanished between discovery and watching: the run directory reports it.
      this.log.warn('cannot watch file', { error: (err as Error).message });
    }
  }

  /** Something may have been appended: read it now, or when the read interval ends. */
  signal(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    if (this.readTimer) return; // a read is already scheduled: it will see these bytes too
    const d = decideThrottle(this.clock(), this.lastReadAt, this.readIntervalMs(), false);
    if (d.action === 'send-now') void this.readNow();
    else if (d.action === 'schedule') {
      this.readTimer = runAt(d.at, this.clock, () => {
        this.readTimer = null;
        void this.readNow();
      });
    }
  }

  /** Reads at once (start-up, rollover, re-sync), after any read in progress. */
  async readNow(): Promise<void> {
    while (this.reading) await this.reading;
    if (this.closed) return;
    this.readTimer?.();
    this.readTimer = null;
    this.again = false;
    this.lastReadAt = this.clock();
    this.reading = this.readNewest().finally(() => {
      this.reading = null;
      if (this.again) {
        this.again = false;
        this.signal();
      }
    });
    await this.reading;
  }

  private async openFile(): Promise<OpenFile | undefined> {
    const pff = await PffFile.tryOpen(this.path);
    if (!pff) return undefined; // first header still incomplete: wait for more bytes
    const { layout } = pff;
    await pff.close();
    const handle = await open(this.path, 'r');
    const ino = (await handle.stat()).ino;
    return { handle, layout, ino, buffer: new Uint8Array(layout.frameSize * READ_FRAMES) };
  }

  private async readNewest(): Promise<void> {
    try {
      if (!this.file) {
        this.file = await this.openFile();
        if (!this.file) return;
        this.offset = 0;
        this.failed = false;
      }
      const { handle, layout, buffer } = this.file;
      const { frameSize } = layout;
      const bytesRead = readSync(handle.fd, buffer, 0, buffer.length, this.offset);
      let frameOffset: number;
      let bytes: Uint8Array;
      if (bytesRead === buffer.length) {
        // A backlog (start-up on a grown file, or a long stall): jump to the newest frame.
        const size = fstatSync(handle.fd).size;
        const complete = Math.floor((size - this.offset) / frameSize);
        frameOffset = this.offset + (complete - 1) * frameSize;
        this.offset += complete * frameSize;
        bytes = buffer.subarray(0, readSync(handle.fd, buffer, 0, frameSize, frameOffset));
      } else {
        const complete = Math.floor(bytesRead / frameSize);
        if (complete === 0) {
          // A partial frame waiting for its rest, or a signal that brought nothing.
          if (bytesRead === 0 && this.mayHaveChanged(this.file)) this.paceIdentityCheck();
          return;
        }
        frameOffset = this.offset + (complete - 1) * frameSize;
        this.offset += complete * frameSize;
        bytes = buffer.subarray((complete - 1) * frameSize, complete * frameSize);
      }
      let frame: PffFrame;
      try {
        frame = parseFrame(bytes, layout, { file: this.name.fileName, offset: frameOffset });
      } catch (err) {
        if (!isPffError(err)) throw err;
        this.log.warn('malformed frame skipped', { offset: err.offset, reason: err.detail });
        return;
      }
      if (!this.closed) this.events.onFrame({ frame, name: this.name });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return void this.checkIdentity();
      if (!this.failed) {
        this.failed = true;
        this.log.warn('cannot read frames from file; waiting for it to change', {
          error: isPffError(err) ? `${err.detail} (byte ${err.offset})` : (err as Error).message,
        });
      }
      await this.dropFile();
    }
  }

  /**
   * Whether a signal without new bytes may mean deletion, replacement or truncation: one fstat
   * of the open file (no path lookup, no thread-pool round trip) rules them out in the common
   * case, the inotify event of an append whose bytes an earlier read already consumed. A
   * deletion or a rename over the path unlinks the followed inode (nlink 0); truncation
   * shortens it. A rename of the file itself arrives as a 'rename' event and is checked fully.
   */
  private mayHaveChanged(f: OpenFile): boolean {
    const s = fstatSync(f.handle.fd);
    return s.nlink === 0 || s.size < this.offset;
  }

  private paceIdentityCheck(): void {
    const d = decideThrottle(this.clock(), this.lastIdentityCheck, IDENTITY_CHECK_MS, this.identityTimer !== null);
    if (d.action === 'send-now') void this.checkIdentity();
    else if (d.action === 'schedule') {
      this.identityTimer = runAt(d.at, this.clock, () => {
        this.identityTimer = null;
        void this.checkIdentity();
      });
    }
  }

  private async dropFile(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    this.offset = 0;
    await f?.handle.close().catch(() => undefined);
  }

  /** Whether the path still names the followed file, unshortened: deleted (stop), replaced or truncated (re-sync). */
  async checkIdentity(): Promise<void> {
    if (this.closed) return;
    this.lastIdentityCheck = this.clock();
    let ino: number;
    try {
      ino = (await stat(this.path)).ino;
    } catch {
      if (this.closed) return;
      this.log.info('file deleted: no longer followed');
      await this.close();
      this.events.onGone(this.path);
      return;
    }
    const f = this.file;
    if (!f || this.closed) return;
    if (ino !== f.ino) {
      this.log.warn('file replaced: re-synchronising at its newest complete frame');
    } else {
      const size = (await f.handle.stat()).size;
      if (size >= this.offset || this.file !== f) return;
      this.log.warn('file truncated: re-synchronising at its newest complete frame', { size, offset: this.offset });
    }
    await this.dropFile();
    this.watchFile();
    await this.readNow();
  }

  /** Reads what is left (e.g. at a rollover), then stops. */
  async finish(): Promise<void> {
    await this.readNow();
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fsWatcher?.close();
    this.identityTimer?.();
    this.readTimer?.();
    await this.reading?.catch(() => undefined);
    await this.dropFile();
  }
}
