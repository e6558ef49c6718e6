// The files of one run directory: which exist, which appear, which go. We watch the directory
// ourselves (PathWatches) rather than through chokidar because chokidar re-reads a directory
// (readdir + lstat of every entry) and stats the file on every modification event of a child
// — i.e. on every append the recorder makes. Measured with 45 modules appending 100 times/s
// that was the largest single cost of the node (see README). Here only the directory's
// 'rename' events (create, delete, move) are acted on, each with one stat of the named entry;
// appends ('change') cost nothing. A 'rename' without a name (the directory is polled because
// the kernel refused a watch) lists the directory again. A link the guard refuses (leading
// outside the data roots) is not reported, or reported gone if it was.
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildDirsContext } from './child-dirs.js';
import type { PathWatch } from './path-watches.js';

export interface RunDirFileEvents {
  /** A file exists (initially, created, or something renamed onto the name). */
  onFile(path: string): void;
  onFileGone(path: string): void;
  onError(err: Error): void;
}

export class RunDirFiles {
  private readonly known = new Set<string>();
  private watch: PathWatch | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly events: RunDirFileEvents,
    private readonly context: ChildDirsContext,
  ) {}

  /** Starts watching, then reports the files already there; resolves once they are reported. */
  static async start(dir: string, events: RunDirFileEvents, context: ChildDirsContext): Promise<RunDirFiles> {
    const w = new RunDirFiles(dir, events, context);
    // Watch before listing, so a file created in between is not missed.
    w.watch = context.watches.watch(
      dir,
      'directory',
      (event, name) => {
        if (event !== 'rename') return;
        void (name ? w.check(name) : w.rescan());
      },
      (err) => events.onError(err),
    );
    await w.rescan();
    return w;
  }

  /** Checks every file listed now and every file known before. */
  private async rescan(): Promise<void> {
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (this.closed) return;
      this.events.onError(err as Error);
    }
    await Promise.all([...new Set([...names, ...this.known])].map((n) => this.check(n)));
  }

  private async check(name: string): Promise<void> {
    const path = join(this.dir, name);
    const admitted = await this.admittedFile(path);
    if (this.closed) return;
    if (admitted) {
      this.known.add(name);
      this.events.onFile(path);
    } else if (this.known.delete(name)) {
      this.events.onFileGone(path);
    }
  }

  /**
   * Whether `path` is a file that may be followed. Only a link is resolved and checked here (so
   * that one leading outside never displaces the module's current file); a plain file in
   * this directory is checked when it is opened, on its descriptor, as every file is — a
   * look-up per file here would double the start-up cost of a large run for nothing.
   */
  private async admittedFile(path: string): Promise<boolean> {
    const entry = await lstat(path).catch(() => undefined);
    if (!entry?.isSymbolicLink()) return entry?.isFile() ?? false;
    const target = await stat(path).catch(() => undefined);
    return (target?.isFile() ?? false) && (await this.context.guard.admits(path));
  }

  close(): void {
    this.closed = true;
    this.watch?.close();
  }
}
