// Every kernel watch the watcher sets (directories and followed files) goes through here, the
// one OS boundary: `watch` defaults to fs.watch (inotify on Linux) and is injectable, so tests
// can make the kernel refuse. When the kernel refuses a watch for lack of resources (ENOSPC:
// inotify's max_user_watches; EMFILE/ENFILE: too many instances or descriptors), that path is
// polled instead (fs.watchFile, a stat every `pollIntervalMs`), which is said once per path
// in the log with the errno and counted: a module never goes quiet silently. Any other error
// (e.g. the path is gone) is the caller's, as fs.watch's would be. The counts are what the
// node can expose as metrics.
import { unwatchFile, watch as fsWatch, watchFile, type Stats } from 'node:fs';
import type { Logger } from '../log/logger.js';

export type WatchEvent = 'rename' | 'change';

/** What the node needs of a kernel watch (fs.watch's FSWatcher has it). */
export interface OsWatcher {
  close(): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** fs.watch's shape, reduced to what is used: may throw synchronously (ENOSPC, ENOENT, ...). */
export type WatchFunction = (path: string, options: { persistent: boolean }, listener: (event: WatchEvent, name: string | null) => void) => OsWatcher;

export const osWatch: WatchFunction = (path, options, listener) =>
  fsWatch(path, options, (event, name) => listener(event === 'rename' ? 'rename' : 'change', name === null ? null : String(name)));

/** Kernel refusals that mean "out of watch resources", not "this path cannot be watched". */
const RESOURCE_ERRORS = new Set(['ENOSPC', 'EMFILE', 'ENFILE']);

/** Bounds of the polling interval. */
export const POLL_INTERVAL_MS = { default: 100, min: 10, max: 5_000 } as const;

export interface WatchCounts {
  /** Files followed now (by a kernel watch or by polling). */
  watchedFiles: number;
  /** Directories followed now (idem). */
  watchedDirectories: number;
  /** Of those, how many are polled because the kernel refused a watch. */
  polledPaths: number;
  /** Times the kernel refused a watch and polling took over, since the watcher started. */
  pollingFallbacks: number;
}

export type WatchKind = 'file' | 'directory';

export interface PathWatch {
  close(): void;
}

export interface PathWatchesOptions {
  watch?: WatchFunction;
  pollIntervalMs?: number;
  log: Logger;
  /** How a path is named in the log (e.g. relative to data_dir). */
  describe(path: string): string;
}

export class PathWatches {
  private readonly watchFn: WatchFunction;
  private readonly pollIntervalMs: number;
  private readonly counts_: WatchCounts = { watchedFiles: 0, watchedDirectories: 0, polledPaths: 0, pollingFallbacks: 0 };
  /** Paths whose fallback was logged (once each). */
  private readonly logged = new Set<string>();

  constructor(private readonly opts: PathWatchesOptions) {
    this.watchFn = opts.watch ?? osWatch;
    const interval = opts.pollIntervalMs ?? POLL_INTERVAL_MS.default;
    if (!Number.isFinite(interval) || interval < POLL_INTERVAL_MS.min || interval > POLL_INTERVAL_MS.max) {
      throw new RangeError(`pollIntervalMs ${interval} is outside ${POLL_INTERVAL_MS.min}..${POLL_INTERVAL_MS.max}`);
    }
    this.pollIntervalMs = interval;
  }

  counts(): WatchCounts {
    return { ...this.counts_ };
  }

  /**
   * Watches `path`: `onEvent` gets fs.watch's events ('rename' for entries created, removed or
   * moved, or the path itself replaced; 'change' for writes). While polled, a directory
   * reports any change as 'rename' with no name (list it again), a file 'change' for a write
   * and 'rename' when its inode changed or it was unlinked. Throws what fs.watch throws, apart
   * from resource refusals.
   */
  watch(path: string, kind: WatchKind, onEvent: (event: WatchEvent, name: string | null) => void, onError: (err: Error) => void): PathWatch {
    const key = kind === 'file' ? 'watchedFiles' : 'watchedDirectories';
    let current: PathWatch;
    let closed = false;
    const poll = (err: NodeJS.ErrnoException): PathWatch => {
      this.fellBack(path, kind, err);
      return this.poll(path, kind, onEvent);
    };
    try {
      const os = this.watchFn(path, { persistent: false }, onEvent);
      current = { close: () => os.close() };
      // An asynchronous refusal (the watch was lost): poll from now on.
      os.on('error', (err: NodeJS.ErrnoException) => {
        if (closed) return;
        if (!RESOURCE_ERRORS.has(err.code ?? '')) return onError(err);
        os.close();
        current = poll(err);
      });
    } catch (err) {
      if (!RESOURCE_ERRORS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      current = poll(err as NodeJS.ErrnoException);
    }
    this.counts_[key]++;
    return {
      close: () => {
        if (closed) return;
        closed = true;
        this.counts_[key]--;
        current.close();
      },
    };
  }

  private fellBack(path: string, kind: WatchKind, err: NodeJS.ErrnoException): void {
    this.counts_.pollingFallbacks++;
    if (this.logged.has(path)) return;
    this.logged.add(path);
    this.opts.log.warn(`the kernel refused to watch this ${kind} (${err.code}); polling it every ${this.pollIntervalMs} ms instead`, {
      path: this.opts.describe(path),
      errno: err.code,
    });
  }

  private poll(path: string, kind: WatchKind, onEvent: (event: WatchEvent, name: string | null) => void): PathWatch {
    this.counts_.polledPaths++;
    // fs.watchFile calls back only when the stat changed (or the path appeared or went).
    const listener = (curr: Stats, prev: Stats) => {
      if (kind === 'directory') return onEvent('rename', null);
      const replaced = curr.ino !== prev.ino || curr.nlink === 0;
      onEvent(replaced ? 'rename' : 'change', null);
    };
    watchFile(path, { persistent: false, interval: this.pollIntervalMs }, listener);
    let closed = false;
    return {
      close: () => {
        if (closed) return;
        closed = true;
        this.counts_.polledPaths--;
        unwatchFile(path, listener);
      },
    };
  }
}
