// The subdirectories of one directory (data_dir's module directories, a module directory's run
// directories): which exist, which appear, which go. The directory is watched (PathWatches:
// fs.watch, or polling when the kernel refuses), but what exists is decided by listing it,
// once the watch is in place and again whenever an entry is created or removed ('rename'
// events), which leaves no gap whatever the order in which a recorder creates things.
// (chokidar used to watch here, but it lists a directory *before* watching it,
// paulmillr/chokidar#1471, gives no way to inject the kernel's watch, and its only use was
// these 'rename' events.) Each subdirectory is reported once when it appears and once when it
// goes; one replaced by another directory or by a link (its identity, device and inode after
// resolving links, changed) is reported gone and then appeared, so it is checked again.
// A subdirectory the guard refuses (its links lead outside the data roots) is not reported.
// Listings run one at a time, so reports are never out of order.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FollowGuard } from './follow-guard.js';
import type { PathWatch, PathWatches } from './path-watches.js';

export interface ChildDirEvents {
  /** Whether a subdirectory of this name is followed (others are never reported). */
  accepts(name: string): boolean;
  onDir(path: string): void;
  onDirGone(path: string): void;
  onError(err: Error): void;
}

export interface ChildDirsContext {
  watches: PathWatches;
  guard: FollowGuard;
}

export class ChildDirs {
  /** Subdirectories reported, by name, with their identity (device:inode). */
  private readonly known = new Map<string, string>();
  private watch: PathWatch | undefined;
  /** The listing under way; `relist` asks for one more once it ends. */
  private listing: Promise<void> | undefined;
  private relist = false;
  private started = false;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly events: ChildDirEvents,
    private readonly context: ChildDirsContext,
  ) {}

  /** Resolves once the directory is watched and its subdirectories are reported; rejects when it cannot be followed. */
  static async start(dir: string, events: ChildDirEvents, context: ChildDirsContext): Promise<ChildDirs> {
    const c = new ChildDirs(dir, events, context);
    try {
      // 'rename' is what creating, removing or moving an entry signals; 'change' (a write to a
      // file here, an attribute) cannot make a directory appear or go.
      c.watch = context.watches.watch(
        dir,
        'directory',
        (event) => {
          if (event === 'rename') c.sync().catch(() => undefined); // before start, start reports it
        },
        (err) => events.onError(err),
      );
      await c.sync();
    } catch (err) {
      await c.close();
      throw err;
    }
    c.started = true;
    return c;
  }

  /** Lists the directory and reports what changed; resolves once a listing begun after this call has ended. */
  private sync(): Promise<void> {
    if (this.listing) {
      this.relist = true;
      return this.listing;
    }
    this.listing = (async () => {
      try {
        do {
          this.relist = false;
          await this.listOnce();
        } while (this.relist && !this.closed);
      } finally {
        this.listing = undefined;
      }
    })();
    return this.listing;
  }

  private async listOnce(): Promise<void> {
    let present: Map<string, string>;
    try {
      present = await this.subdirectories();
    } catch (err) {
      if (!this.started) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.events.onError(err as Error);
        return;
      }
      // The directory itself is gone, and with it everything that was in it.
      present = new Map();
    }
    if (this.closed) return;
    for (const [name, identity] of this.known) {
      if (present.get(name) === identity) continue;
      this.known.delete(name);
      this.events.onDirGone(join(this.dir, name));
    }
    for (const [name, identity] of present) {
      if (this.known.has(name)) continue;
      this.known.set(name, identity);
      this.events.onDir(join(this.dir, name));
    }
  }

  /** The accepted subdirectories the guard admits, by name, with their identity. */
  private async subdirectories(): Promise<Map<string, string>> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    const found = await Promise.all(
      entries
        // A symbolic link to a directory counts (the guard decides where it may lead).
        .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && this.events.accepts(e.name))
        .map(async (e): Promise<[string, string] | undefined> => {
          const path = join(this.dir, e.name);
          const s = await stat(path).catch(() => undefined);
          if (!s?.isDirectory() || !(await this.context.guard.admits(path))) return undefined;
          return [e.name, `${s.dev}:${s.ino}`];
        }),
    );
    return new Map(found.filter((f) => f !== undefined));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watch?.close();
  }
}
