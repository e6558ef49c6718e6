// The subdirectories of one directory (data_dir's module directories, a module directory's run
// directories): which exist, which appear, which go. chokidar watches the directory, but what
// exists is decided by listing it: chokidar lists a directory *before* it starts watching it,
// so a subdirectory created in between is never reported (paulmillr/chokidar#1471, still so
// in v5), and one it never reported is not reported gone either. Listing once chokidar's watch
// is in place ('ready'), and again whenever an entry is created or removed ('raw' rename
// events, which come even for entries chokidar has no record of), leaves no gap whatever the
// order in which a recorder creates things. Each subdirectory is reported once when it
// appears and once when it goes; listings run one at a time, so reports are never out of order.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export interface ChildDirEvents {
  /** Whether a subdirectory of this name is followed (others are never reported). */
  accepts(name: string): boolean;
  onDir(path: string): void;
  onDirGone(path: string): void;
  onError(err: Error): void;
}

export class ChildDirs {
  private readonly known = new Set<string>();
  private tree: FSWatcher | undefined;
  /** The listing under way; `relist` asks for one more once it ends. */
  private listing: Promise<void> | undefined;
  private relist = false;
  private started = false;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly events: ChildDirEvents,
  ) {}

  /** Resolves once the directory is watched and its subdirectories are reported; rejects when it cannot be followed. */
  static async start(dir: string, events: ChildDirEvents): Promise<ChildDirs> {
    const c = new ChildDirs(dir, events);
    try {
      await c.watchDirectory();
      await c.sync();
    } catch (err) {
      await c.close();
      throw err;
    }
    c.started = true;
    return c;
  }

  private watchDirectory(): Promise<void> {
    return new Promise((resolve, reject) => {
      let watching = false;
      // depth 0: chokidar watches this directory only. Files are ignored (none is wanted here,
      // and chokidar would watch each one).
      const tree = watch(this.dir, {
        depth: 0,
        ignoreInitial: true,
        atomic: false,
        ignored: (path, stats) => path !== this.dir && stats !== undefined && !stats.isDirectory(),
      });
      this.tree = tree;
      // 'rename' is what creating, removing or moving an entry signals; 'change' (a write to a
      // file here, an attribute) cannot make a directory appear or go.
      tree.on('raw', (event) => {
        if (watching && event === 'rename') void this.sync();
      });
      tree.on('error', (err) => {
        if (!watching) reject(err as Error);
        else this.events.onError(err as Error);
      });
      tree.once('ready', () => {
        watching = true;
        resolve();
      });
    });
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
    let present: Set<string>;
    try {
      present = await this.subdirectories();
    } catch (err) {
      if (!this.started) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.events.onError(err as Error);
        return;
      }
      // The directory itself is gone, and with it everything that was in it.
      present = new Set();
    }
    if (this.closed) return;
    for (const name of present) {
      if (this.known.has(name)) continue;
      this.known.add(name);
      this.events.onDir(join(this.dir, name));
    }
    for (const name of [...this.known]) {
      if (present.has(name)) continue;
      this.known.delete(name);
      this.events.onDirGone(join(this.dir, name));
    }
  }

  private async subdirectories(): Promise<Set<string>> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    const names = await Promise.all(
      entries
        .filter((e) => this.events.accepts(e.name))
        .map(async (e) => {
          if (e.isDirectory()) return e.name;
          // A symbolic link to a directory counts, as it does for chokidar (followSymlinks).
          if (!e.isSymbolicLink()) return undefined;
          const isDir = await stat(join(this.dir, e.name)).then(
            (s) => s.isDirectory(),
            () => false,
          );
          return isDir ? e.name : undefined;
        }),
    );
    return new Set(names.filter((n): n is string => n !== undefined));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tree?.close();
  }
}
