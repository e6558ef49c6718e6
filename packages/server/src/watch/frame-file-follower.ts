// Follows one PFF file while the recorder appends to it. Appends are signalled by fs.watch on
// the file itself (inotify: one event per write, unthrottled), so the last append of a burst
// is never lost. A signal costs one pread of the bytes after the last consumed frame (at most
// READ_FRAMES frames; with a larger backlog, one fstat and a pread of the last TAIL_FRAMES
// frames' bytes): the cost does not depend on the file size. The bytes read are walked with
// core's scanFrames, which checks every frame's size (a header starts exactly one frame size
// after it) and skips bytes that are not frames up to the next good frame, logged once per
// run; only the newest frame is checked and published — clients get the newest frame they have
// not seen, never a backlog. A frame is checked as checkFrame checks it, mostly without parsing
// its header (core's frameWellFormed: the file's first header says what a good one looks like);
// whoever needs the header (an encoder, ROI stats) parses it from the frame's bytes. The newest
// frame is taken at once, without waiting for the next header to confirm its size (see
// frame-scanner.ts for what that can let through).
// Reads are paced at the node's update interval with the shared throttle rule (no client may
// receive two frames of a module sooner, so reading more often is wasted work), with a
// trailing read so the last append is always read.
// The pread is synchronous on purpose: the bytes were just written, so they come from the page
// cache in microseconds, while an async read costs a thread-pool round trip and several
// promise allocations per append — measured as the largest per-append cost at high rates.
// A partial frame at the end waits for its rest; truncation, replacement and deletion are
// detected and re-synchronised with a log line. After a truncation no frame the clients
// already had is sent again: only frames beyond the last one sent from that inode.
// The file is opened once per inode and read only through that descriptor, which the guard
// checks first (where it really is, links resolved): a file leading outside the data roots
// is never read, and the follower stops (the layout comes from the same descriptor, so a
// link swapped in after the check changes nothing). The watch goes through PathWatches, so a
// refused kernel watch becomes polling rather than silence.
// While an every-frame client wants this module and data product (`everyFrame()`), a read
// instead checks and publishes every frame after the last one delivered, in order, up to
// EVERY_FRAME_READ_MAX frames per read (64), then it goes on with the rest in the event loop's
// next turn (after pending I/O: see readEveryFrame), so every-frame clients are served while a backlog is
// read rather than only after it: the
// newest-only rules above are what a preview-only node costs, and it keeps them. A file that
// was there when the node started following (startAt 'newest') still begins at its newest
// frame: its history is not replayed; one that appeared later (a rollover) is read from its
// first frame.
import { fstatSync, readSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { PffError, checkFrame, describeSkippedRun, frameWellFormed, isPffError, scanFrames, type BadRun, type DataFileName, type FrameLayout, type ScanResult, type SkippedRun } from '@daqdata/core';
import { readLayout } from '@daqdata/core/node';
import type { Clock } from '../broadcast/clock.js';
import { PacedSlot } from '../broadcast/paced-slot.js';
import type { Logger } from '../log/logger.js';
import type { FollowGuard } from './follow-guard.js';
import type { PathWatch, PathWatches } from './path-watches.js';
import type { FileIngestTally } from '../metrics/ingest-tally.js';

/** Frames read per signal before switching to "jump to the newest frame". */
const READ_FRAMES = 64;
/**
 * Every-frame reads: frames checked and published by one read before the follower lets the
 * event loop turn (sends to clients, other modules' reads) and goes on. One read buffer's worth:
 * a node reading the backlogs of 8 modules took tens of ms per turn at 1,024 frames each, and
 * its clients got one HTTP/2 window or one write per turn (in the bench, 70k of 160k ph256 frames
 * delivered with the default ring at 1,024; 160k, none lost, at 64).
 */
const EVERY_FRAME_READ_MAX = READ_FRAMES;
/**
 * On a backlog, the newest frame is looked for in this many frames' bytes before EOF: one for
 * the partial frame being written, one for the newest complete frame, and one more so that a
 * newest frame held back (see 'take' in frame-scanner.ts) still leaves the one before it.
 */
const TAIL_FRAMES = 3;
/** A run of bytes that are not frames gets a line when it grows past this many frame sizes with no frame found (then once more when it ends). */
const LONG_RUN_FRAMES = 2;
/**
 * A signal that brings no new bytes may mean truncation, deletion or a rename over the file
 * (the old inode's link count changes): when an fstat of the open file says so, the path is
 * checked at most this often, with a trailing check so the last such signal is never lost.
 */
const IDENTITY_CHECK_MS = 50;

/**
 * The frames one read found, as the follower hands them on: no copy of their bytes. `bytes` is
 * the follower's read buffer: valid until onFrames returns (its next read overwrites it); copy
 * a frame to keep it. Frame k is bytes[starts[k], starts[k] + frameSize), frame number
 * indexes[k] of the file, in file order. Each was checked as checkFrame checks it; its header is
 * not parsed (most frames a node reads for every-frame clients are never encoded: whoever needs
 * the header parses it from the bytes).
 */
export interface FollowedFrames {
  name: DataFileName;
  bytes: Uint8Array;
  starts: number[];
  indexes: number[];
  frameSize: number;
  /** Header bytes before the '*' (the file's layout). */
  headerLength: number;
  /** Clock reading (ms) when the follower read them: one per read, not per frame. */
  seenAt: number;
}

export interface FollowerEvents {
  /** The frames of one read (at least one), in file order: handed on together, so that a reader of every frame can take them as one. */
  onFrames(frames: FollowedFrames): void;
  /** The file was deleted, or leads outside the data roots: the follower has stopped itself. */
  onGone(path: string): void;
}

export interface FollowerOptions {
  log: Logger;
  clock: Clock;
  readIntervalMs: () => number;
  watches: PathWatches;
  guard: FollowGuard;
  /** Frames and bytes read, problems met: for the node's metrics. */
  tally?: FileIngestTally | undefined;
  /** Whether an every-frame client wants this file's module and data product now (default: never). */
  everyFrame?: (() => boolean) | undefined;
  /** 'newest' (default): the first read takes the newest frame only; 'start': from the first frame (a file that appeared later). */
  startAt?: 'newest' | 'start' | undefined;
}

interface OpenFile {
  handle: FileHandle;
  layout: FrameLayout;
  ino: number;
  buffer: Uint8Array;
  /** The last TAIL_FRAMES frames' bytes on a backlog (apart from `buffer`, whose frames may still be the newest). */
  tail: Uint8Array;
}

/** Frames found in bytes read at file offset `at`. */
interface ReadScan {
  bytes: Uint8Array;
  at: number;
  scan: ScanResult;
}

export class FrameFileFollower {
  private file: OpenFile | undefined;
  /** File offset where the next read starts: a frame boundary, or inside `badRun`. */
  private offset = 0;
  /** The run of bytes that are not frames `offset` lies in. */
  private badRun: BadRun | undefined;
  /** Whether the current badRun got its "no frame found yet" line. */
  private longRunLogged = false;
  /** The last frame delivered, by inode: after a truncation, frames at or below it are not sent again. */
  private delivered: { ino: number; index: number } | undefined;
  private reading: Promise<void> | null = null;
  private again = false;
  /** The next loop turn's read of a backlog: an every-frame read stopped at EVERY_FRAME_READ_MAX with frames left (cleared by close()). */
  private backlogTurn: NodeJS.Immediate | undefined;
  private closed = false;
  private fileWatch: PathWatch | undefined;
  /** Set when the guard refused the opened file: the follower stops once the read ends. */
  private refused = false;
  /** Set once a file-level problem was logged, so a broken file is not reported on every append. */
  private failed = false;
  /** Aborted by close(): the paced reads and identity checks stop with it. */
  private readonly stopped = new AbortController();
  /** "Something may have been appended", released once per read interval. */
  private readonly reads: PacedSlot<true>;
  /** "The path may name another file now", released once per IDENTITY_CHECK_MS. */
  private readonly identityChecks: PacedSlot<true>;

  private constructor(
    readonly path: string,
    readonly name: DataFileName,
    private readonly log: Logger,
    private readonly clock: Clock,
    readIntervalMs: () => number,
    private readonly everyFrame: () => boolean,
    /** 'newest': the first read takes the newest frame only, whoever wants every frame (the file's history is not replayed). */
    private startAt: 'newest' | 'start',
    private readonly context: Pick<FollowerOptions, 'watches' | 'guard'>,
    private readonly events: FollowerEvents,
    /** Frames and bytes read, problems met: for the node's metrics. */
    private readonly tally?: FileIngestTally,
  ) {
    const signal = this.stopped.signal;
    this.reads = new PacedSlot({ intervalMs: readIntervalMs, clock, signal, onDue: () => void this.readNow() });
    this.identityChecks = new PacedSlot({ intervalMs: () => IDENTITY_CHECK_MS, clock, signal, onDue: () => void this.checkIdentity() });
  }

  /** Starts following `path` and delivers its newest complete frame, if any. */
  static async start(
    path: string,
    name: DataFileName,
    opts: FollowerOptions,
    events: FollowerEvents,
  ): Promise<FrameFileFollower> {
    const f = new FrameFileFollower(path, name, opts.log.child({ file: name.fileName }), opts.clock, opts.readIntervalMs, opts.everyFrame ?? (() => false), opts.startAt ?? 'newest', opts, events, opts.tally);
    f.watchFile();
    await f.readNow();
    return f;
  }

  private watchFile(): void {
    this.fileWatch?.close();
    try {
      this.fileWatch = this.context.watches.watch(
        this.path,
        'file',
        (event) => {
          if (event === 'rename') void this.checkIdentity();
          else this.signal();
        },
        (err) => this.log.warn('file watch error', { error: err.message }),
      );
    } catch (err) {
      // The file vanished between discovery and watching: the run directory reports it.
      this.log.warn('cannot watch file', { error: (err as Error).message });
    }
  }

  /** Something may have been appended: read it now, or when the read interval ends. */
  signal(): void {
    // A backlog's next read is already due in the next loop turn and reads whatever came. Not
    // reading now matters: a writer's burst queues thousands of inotify events, delivered in one
    // poll phase, and each would start a read at once (the read interval long past): the node
    // read for seconds without a loop turn, sending nothing.
    if (this.closed || this.backlogTurn) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    // A read already due or scheduled will see these bytes too.
    this.reads.offer(true);
  }

  /** Reads at once (start-up, rollover, re-sync), after any read in progress. */
  async readNow(): Promise<void> {
    while (this.reading) await this.reading;
    if (this.closed) return;
    this.reads.take();
    this.again = false;
    this.reading = this.readNewest().finally(() => {
      this.reading = null;
      if (this.refused) return void this.close().then(() => this.events.onGone(this.path));
      if (this.again) {
        this.again = false;
        this.signal();
      }
    });
    await this.reading;
  }

  private async openFile(): Promise<OpenFile | undefined> {
    const handle = await open(this.path, 'r');
    try {
      if (!(await this.context.guard.admitsOpened(handle.fd, this.path))) {
        this.refused = true;
        await handle.close();
        return undefined;
      }
      const layout = await readLayout(handle, this.name);
      if (layout === 'need-more') {
        await handle.close();
        return undefined; // first header still incomplete: wait for more bytes
      }
      const ino = (await handle.stat()).ino;
      return { handle, layout, ino, buffer: new Uint8Array(layout.frameSize * READ_FRAMES), tail: new Uint8Array(layout.frameSize * TAIL_FRAMES) };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  private async readNewest(): Promise<void> {
    try {
      if (!this.file) {
        this.file = await this.openFile();
        if (!this.file) {
          this.startAt = 'start'; // not even a header yet: the file has no history to skip
          return;
        }
        this.offset = 0;
        this.failed = false;
        if (this.delivered?.ino !== this.file.ino) this.delivered = undefined;
      }
      const f = this.file;
      const fromStart = this.startAt === 'start';
      this.startAt = 'start'; // after the first read of an open file, every frame is new
      if (this.everyFrame() && fromStart) return this.readEveryFrame(f);
      const bytesRead = readSync(f.handle.fd, f.buffer, 0, f.buffer.length, this.offset);
      const read = this.scan(f, f.buffer.subarray(0, bytesRead), this.offset, this.badRun, false);
      // A backlog (start-up on a grown file, or a long stall): the newest frame is near EOF.
      const tail = bytesRead === f.buffer.length ? this.readTail(f, read.scan) : undefined;
      const last = tail ?? read;
      this.tally?.read(this.name, read.scan.frames.length + (tail?.scan.frames.length ?? 0), bytesRead + (tail?.bytes.length ?? 0));
      this.offset = last.scan.next;
      this.setBadRun(last.scan.badRun ?? (last.scan.searching ? this.noFrameInTail(last) : undefined), f.layout);
      const newest = [tail, read].find((r) => r && r.scan.frames.length > 0);
      if (!newest) {
        // A partial frame waiting for its rest, or a signal that brought nothing.
        if (bytesRead === 0 && this.mayHaveChanged(f)) this.paceIdentityCheck();
        return;
      }
      this.deliver(f, newest);
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

  /** Every frame after the last one delivered, in order, up to EVERY_FRAME_READ_MAX (then `backlogTurn`). */
  private readEveryFrame(f: OpenFile): void {
    let delivered = 0;
    for (;;) {
      const at = this.offset;
      const bytesRead = readSync(f.handle.fd, f.buffer, 0, f.buffer.length, at);
      const read = this.scan(f, f.buffer.subarray(0, bytesRead), at, this.badRun, false);
      this.offset = read.scan.next;
      this.setBadRun(read.scan.badRun, f.layout);
      if (bytesRead === 0 && this.mayHaveChanged(f)) this.paceIdentityCheck();
      delivered += this.deliverFrames(f, read, read.scan.frames);
      if (bytesRead < f.buffer.length || this.offset === at || this.closed) return;
      if (delivered >= EVERY_FRAME_READ_MAX) {
        // The rest in the next loop turn, not at once: one read after another in promise
        // callbacks never gives the event loop a turn, and a node reading 8 modules' backlogs
        // sent nothing to its every-frame clients (HTTP/2 writes wait for the loop) until every
        // backlog was read, the ring overrunning meanwhile. setImmediate runs after pending I/O.
        this.backlogTurn ??= setImmediate(() => {
          this.backlogTurn = undefined;
          this.signal();
        });
        return;
      }
    }
  }

  /** Walks bytes read at file offset `at` (frames checked by shape, the newest taken at once) and logs the bad runs that ended. */
  private scan(f: OpenFile, bytes: Uint8Array, at: number, badRun: BadRun | undefined, searching: boolean): ReadScan {
    const scan = scanFrames(bytes, f.layout, { file: this.name.fileName, chunkOffset: at, start: at, badRun, searching, atEnd: 'take', headers: 'shape' });
    for (const run of scan.skipped) this.logSkipped(run);
    return { bytes, at, scan };
  }

  /**
   * One fstat and one pread of the last TAIL_FRAMES frames' bytes. From where the first read
   * stopped if the file ends within them; else a jump, which looks for the first frame in the
   * tail without calling the bytes before it garbage (they are skipped on purpose) — unless
   * the first read ended in garbage, whose run then ends at that frame.
   */
  private readTail(f: OpenFile, first: ScanResult): ReadScan | undefined {
    const size = fstatSync(f.handle.fd).size;
    const jump = size - f.tail.length > first.next;
    const from = jump ? size - f.tail.length : first.next;
    if (size <= from) return undefined;
    const bytes = f.tail.subarray(0, readSync(f.handle.fd, f.tail, 0, size - from, from));
    return this.scan(f, bytes, from, first.badRun, jump && first.badRun === undefined);
  }

  /** After a jump, no frame in the whole tail: the bytes there are not frames. */
  private noFrameInTail(r: ReadScan): BadRun {
    const detail = `no frame in the last ${r.bytes.length} bytes of the file`;
    return { start: r.at, problem: new PffError('header-not-json', this.name.fileName, r.at, detail) };
  }

  private setBadRun(run: BadRun | undefined, layout: FrameLayout): void {
    if (run?.start !== this.badRun?.start) this.longRunLogged = false;
    this.badRun = run;
    if (run && !this.longRunLogged && this.offset - run.start > LONG_RUN_FRAMES * layout.frameSize) {
      this.longRunLogged = true;
      this.log.warn(`no frame found in ${this.offset - run.start} bytes from byte ${run.start} (${run.problem.detail}); reading on`, { offset: run.start });
    }
  }

  private logSkipped(run: SkippedRun): void {
    this.tally?.malformed();
    if (run.resumedAt !== 'end') this.tally?.resynchronised();
    this.log.warn(describeSkippedRun(run), { offset: run.start, bytes: run.bytes });
  }

  /** Checks and publishes the newest frame found, unless a frame at or beyond it was already sent from this inode. */
  private deliver(f: OpenFile, read: ReadScan): void {
    this.deliverFrames(f, read, read.scan.frames.slice(-1));
  }

  /**
   * Checks and publishes the frames at these file offsets of `read` (in order), except those at
   * or below the last frame sent from this inode; returns how many were published. Frames are
   * checked in place and handed on together, in the read buffer: a copy of each frame's bytes
   * and a typed copy of its pixels were a fifth of a node's CPU reading every img16 frame, and
   * a frame the ring keeps is copied once, into its slab (with the frames beside it).
   */
  private deliverFrames(f: OpenFile, { bytes, at }: ReadScan, frames: ReadonlyArray<{ offset: number }>): number {
    const { frameSize } = f.layout;
    const starts: number[] = [];
    const indexes: number[] = [];
    for (const { offset } of frames) {
      const index = Math.floor(offset / frameSize);
      if (this.delivered && index <= this.delivered.index) continue;
      const start = offset - at;
      const frameBytes = new Uint8Array(bytes.buffer, bytes.byteOffset + start, frameSize);
      try {
        // Sure from the file's first header, or else checked in full (which says what is wrong).
        if (!frameWellFormed(frameBytes, f.layout)) checkFrame(frameBytes, f.layout, { file: this.name.fileName, offset });
      } catch (err) {
        if (!isPffError(err)) throw err;
        this.log.warn('malformed frame skipped', { offset: err.offset, reason: err.detail });
        this.tally?.malformed();
        continue;
      }
      this.delivered = { ino: f.ino, index };
      starts.push(start);
      indexes.push(index);
    }
    if (starts.length === 0 || this.closed) return 0;
    this.events.onFrames({ name: this.name, bytes, starts, indexes, frameSize, headerLength: f.layout.headerLength, seenAt: this.clock() });
    return starts.length;
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
    this.identityChecks.offer(true);
  }

  private async dropFile(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    this.offset = 0;
    this.badRun = undefined;
    this.longRunLogged = false;
    await f?.handle.close().catch(() => undefined);
  }

  /** Whether the path still names the followed file, unshortened: deleted (stop), replaced or truncated (re-sync). */
  async checkIdentity(): Promise<void> {
    if (this.closed) return;
    this.identityChecks.take();
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
      this.tally?.resynchronised();
      await this.dropFile();
      this.watchFile();
      await this.readNow();
      return;
    }
    const size = (await f.handle.stat()).size;
    if (size >= this.offset || this.file !== f) return;
    const offset = this.offset;
    this.tally?.resynchronised();
    await this.dropFile();
    this.watchFile();
    await this.readNow();
    // Logged once the file was read again, so that the line says where the follower now is.
    this.log.warn(
      `file truncated: re-synchronised at byte ${this.offset}; frames up to #${this.delivered?.index ?? -1} were already sent and are not sent again`,
      { size, offset },
    );
  }

  /** Reads what is left (e.g. at a rollover), then stops; a run of bytes that are not frames still open gets its line. */
  async finish(): Promise<void> {
    await this.readNow();
    // An every-frame backlog is read to its end here (still a loop turn between reads).
    while (this.backlogTurn && !this.closed) {
      clearImmediate(this.backlogTurn);
      this.backlogTurn = undefined;
      await new Promise((resolve) => setImmediate(resolve));
      await this.readNow();
    }
    const f = this.file;
    const run = this.badRun;
    if (f && run) {
      const size = fstatSync(f.handle.fd).size;
      this.logSkipped({ file: this.name.fileName, start: run.start, bytes: size - run.start, resumedAt: 'end', problem: run.problem });
    }
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fileWatch?.close();
    this.stopped.abort();
    clearImmediate(this.backlogTurn);
    await this.reading?.catch(() => undefined);
    await this.dropFile();
  }
}
