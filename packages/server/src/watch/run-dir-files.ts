// The files of one run directory: which exist, which appear, which go. chokidar follows the
// tree down to the run directories; inside them we watch the directory ourselves because
// chokidar re-reads a directory (readdir + lstat of every entry) and stats the file on every
// modification event of a child — i.e. on every append the recorder makes. Measured with 45
// modules appending 100 times/s that was the largest single cost of the node (see README).
// Here only the directory's 'rename' events (create, delete, move) are acted on, each with
// one stat of the named entry; appends ('change') cost nothing.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface RunDirFileEvents {
  /** A file exists (initially, created, or something renamed onto the name). */
  onFile(path: string): void;
  onFileGone(path: string): void;
  onError(err: Error): void;
}

export class RunDirFiles {
  private readonly known = new Set<string>();
  private watcher: FSWatcher | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly events: RunDirFileEvents,
  ) {}

  /** Starts watching, then reports the files already there; resolves once they are reported. */
  static async start(dir: string, events: RunDirFileEvents): Promise<RunDirFiles> {
    const w = new RunDirFiles(dir, events);
    // Watch before listing, so a file created in between is not missed.
    w.watcher = watch(dir, { persistent: false }, (event, name) => {
      if (event === 'rename' && name) void w.check(name.toString());
    });
    w.watcher.on('error', (err) => events.onError(err));
    let names: string[] = [];
    try {
      names = await readdir(dir);
    } catch (err) {
      events.onError(err as Error);
    }
    await Promise.all(names.map((n) => w.check(n)));
    return w;
  }

  private async check(name: string): Promise<void> {
    const path = join(this.dir, name);
    const isFile = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (this.closed) return;
    if (isFile) {
      this.known.add(name);
      this.events.onFile(path);
    } else if (this.known.delete(name)) {
      this.events.onFileGone(path);
    }
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
  }
}
