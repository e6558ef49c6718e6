// Follows one PFF file while the recorder appends to it. Appends are signalled by fs.watch on
// the file itself (inotify: one event per write, unthrottled), so the last append of a burst
// is never lost. On each signal only the newest complete frame is read (one fstat + one pread
// of one frame): the cost does not depend on the file size or on how far the file has grown.
// A partial frame at the end waits for its rest; truncation, replacement and deletion are
// detected and re-synchronised with a log line.
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PffFile, isPffError, type DataFileName, type PffFrame } from '@daqdata/core';
import type { Logger } from '../log/logger.js';

export interface FollowedFrame {
  frame: PffFrame;
  name: DataFileName;
}

export interface FollowerEvents {
  onFrame(f: FollowedFrame): void;
  /** The file was deleted: the follower has stopped itself. */
  onGone(path: string): void;
}

export class FrameFileFollower {
  private file: PffFile | undefined;
  /** File offset just past the last frame consumed (a frame boundary). */
  private offset = 0;
  private ino: number | undefined;
  private reading: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private fsWatcher: FSWatcher | undefined;
  /** Set once a file-level problem was logged, so a broken file is not reported on every append. */
  private failed = false;

  private constructor(
    readonly path: string,
    readonly name: DataFileName,
    private readonly log: Logger,
    private readonly events: FollowerEvents,
  ) {}

  /** Starts following `path` and delivers its newest complete frame, if any. */
  static async start(path: string, name: DataFileName, log: Logger, events: FollowerEvents): Promise<FrameFileFollower> {
    const f = new FrameFileFollower(path, name, log.child({ file: name.fileName }), events);
    f.watchFile();
    await f.signal();
    return f;
  }

  private watchFile(): void {
    this.fsWatcher?.close();
    try {
      this.fsWatcher = watch(this.path, { persistent: false }, (event) => {
        if (event === 'rename') void this.checkIdentity();
        else void this.signal();
      });
      this.fsWatcher.on('error', (err) => this.log.warn('file watch error', { error: err.message }));
    } catch (err) {
      // The file vanished between discovery and watching: the tree watcher reports the unlink.
      this.log.warn('cannot watch file', { error: (err as Error).message });
    }
  }

  /** Something may have been appended: read it. Concurrent signals coalesce into one more read. */
  signal(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.again = false;
          await this.readNewest();
        } while (this.again && !this.closed);
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  private async readNewest(): Promise<void> {
    try {
      if (!this.file) {
        this.file = await PffFile.tryOpen(this.path);
        if (!this.file) return; // first header still incomplete: wait for more bytes
        this.offset = 0;
        this.ino = (await stat(this.path)).ino;
        this.failed = false;
      }
      const { frameSize } = this.file.layout;
      const size = await this.file.size();
      if (size < this.offset) {
        this.log.warn('file truncated: re-synchronising at its newest complete frame', { size, offset: this.offset });
        await this.reopen();
        return this.readNewest();
      }
      const complete = Math.floor((size - this.offset) / frameSize);
      if (complete === 0) {
        // Nothing new, or a partial frame waiting for its rest. A signal without growth is also
        // what a rename over the file or its deletion produces (the old inode's link count
        // changes): check the path still names this file. Not awaited: it may close us.
        if (size === this.offset) void this.checkIdentity();
        return;
      }
      const newest = this.offset / frameSize + complete - 1;
      this.offset += complete * frameSize;
      let frame: PffFrame;
      try {
        frame = await this.file.readFrame(newest);
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
      await this.dropHandle();
    }
  }

  private async dropHandle(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    this.offset = 0;
    await f?.close().catch(() => undefined);
  }

  private async reopen(): Promise<void> {
    await this.dropHandle();
    this.watchFile();
  }

  /** Whether the path still names the followed file: deleted (stop), replaced (re-sync), or unchanged. */
  async checkIdentity(): Promise<void> {
    if (this.closed) return;
    let ino: number;
    try {
      ino = (await stat(this.path)).ino;
    } catch {
      this.log.info('file deleted: no longer followed');
      await this.close();
      this.events.onGone(this.path);
      return;
    }
    if (this.ino !== undefined && ino !== this.ino) {
      this.log.warn('file replaced: re-synchronising at its newest complete frame');
      this.ino = undefined;
      await this.reopen();
      await this.signal();
    }
  }

  /** Reads what is left (e.g. at a rollover), then stops. */
  async finish(): Promise<void> {
    await this.signal();
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fsWatcher?.close();
    await this.reading?.catch(() => undefined);
    await this.dropHandle();
  }
}
