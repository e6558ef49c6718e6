// Follows DATA_DIR/module_N/<run>.pffd/ for one node. chokidar follows the tree of module and
// run directories (new modules, new runs, removals); each run directory's files are followed
// by RunDirFiles (new files, rollovers, deletions, replacements); per module and data product
// the newest file is read by a FrameFileFollower, whose own fs.watch signals appends
// unthrottled. Frames become BroadcastImages (encoded lazily, once) handed to `onImage`.
// Nothing polls: an idle tree costs nothing.
import { basename, dirname, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { DATA_PRODUCTS, classifyFile, panoImageFromFrame, parseModuleDirName } from '@daqdata/core';
import { broadcastImage, type BroadcastImage } from '../broadcast/broadcast-image.js';
import type { Clock } from '../broadcast/clock.js';
import type { Logger } from '../log/logger.js';
import { compareFrameFiles, streamKey, type FrameFileCandidate } from './current-file.js';
import { FrameFileFollower, type FollowedFrame } from './frame-file-follower.js';
import { RunDirFiles } from './run-dir-files.js';

export interface DataDirWatcherOptions {
  dataDir: string;
  /** Empty: every module. */
  moduleIds: ReadonlySet<number>;
  log: Logger;
  clock: Clock;
  /** The node's update interval: files are not read more often (no client could get more). */
  readIntervalMs: () => number;
  onImage(image: BroadcastImage): void;
}

interface Followed {
  candidate: FrameFileCandidate;
  follower: Promise<FrameFileFollower>;
}

export class DataDirWatcher {
  private readonly followed = new Map<string, Followed>();
  private readonly runDirs = new Map<string, Promise<RunDirFiles | undefined>>();
  private tree: FSWatcher | undefined;
  private ready = false;
  private closed = false;
  /** Newest file per stream seen during the initial scan; followed once the scan is done. */
  private readonly initial = new Map<string, FrameFileCandidate>();

  private constructor(private readonly opts: DataDirWatcherOptions) {}

  /** Resolves once the existing tree is scanned and the current files are followed. */
  static async start(opts: DataDirWatcherOptions): Promise<DataDirWatcher> {
    const w = new DataDirWatcher(opts);
    try {
      await w.startTree();
    } catch (err) {
      await w.close();
      throw err;
    }
    return w;
  }

  get dataDir(): string {
    return this.opts.dataDir;
  }

  /** Paths currently followed (for status and tests). */
  followedFiles(): string[] {
    return [...this.followed.values()].map((f) => f.candidate.path);
  }

  private startTree(): Promise<void> {
    const { dataDir, log } = this.opts;
    return new Promise((resolve, reject) => {
      const tree = watch(dataDir, {
        depth: 1,
        atomic: false,
        ignoreInitial: false,
        ignored: (path, stats) => this.ignored(path, stats?.isDirectory()),
      });
      this.tree = tree;
      tree.on('addDir', (path) => {
        const depth = this.depthOf(path);
        if (depth === 2) this.runDirs.set(path, this.watchRunDir(path));
        if (this.ready && depth > 0) log.info(depth === 1 ? 'new module directory' : 'new run directory', { dir: relative(dataDir, path) });
      });
      tree.on('unlinkDir', (path) => {
        const files = this.runDirs.get(path);
        this.runDirs.delete(path);
        void files?.then((f) => f?.close());
        log.info('directory removed', { dir: relative(dataDir, path) });
      });
      tree.on('error', (err) => {
        if (!this.ready) reject(err);
        log.warn('watch error', { error: (err as Error).message });
      });
      tree.once('ready', () => {
        // Every run directory found so far has listed its files: now follow the newest ones.
        Promise.all(this.runDirs.values())
          .then(() => {
            this.ready = true;
            const starts = [...this.initial.values()].map((c) => this.follow(c));
            this.initial.clear();
            return Promise.all(starts);
          })
          .then(() => resolve(), reject);
      });
    });
  }

  private depthOf(path: string): number {
    const rel = relative(this.opts.dataDir, path);
    return rel === '' ? 0 : rel.split(sep).length;
  }

  /** Only module_N directories (in the filter) and the directories in them (runs). */
  private ignored(path: string, isDir: boolean | undefined): boolean {
    const rel = relative(this.opts.dataDir, path);
    if (rel === '') return false;
    if (isDir === false) return true;
    const parts = rel.split(sep);
    if (parts.length === 1) {
      const id = parseModuleDirName(parts[0]!);
      if (id === undefined) return isDir === true;
      return this.opts.moduleIds.size > 0 && !this.opts.moduleIds.has(id);
    }
    return parts.length > 2;
  }

  private async watchRunDir(dir: string): Promise<RunDirFiles | undefined> {
    try {
      return await RunDirFiles.start(dir, {
        onFile: (path) => this.fileSeen(path),
        onFileGone: (path) => this.followerFor(path)?.then((f) => f.checkIdentity()),
        onError: (err) => this.opts.log.warn('run directory watch error', { dir: relative(this.opts.dataDir, dir), error: err.message }),
      });
    } catch (err) {
      this.opts.log.warn('cannot watch run directory', { dir: relative(this.opts.dataDir, dir), error: (err as Error).message });
      return undefined;
    }
  }

  private fileSeen(path: string): void {
    const cls = classifyFile(basename(path));
    if (cls.kind === 'not-frames') {
      this.opts.log.debug('ignoring file', { file: relative(this.opts.dataDir, path), reason: cls.reason });
      return;
    }
    const { name } = cls;
    if (this.opts.moduleIds.size > 0 && !this.opts.moduleIds.has(name.moduleId)) return;
    const candidate: FrameFileCandidate = { path, runDir: basename(dirname(path)), name };
    const key = streamKey(name);
    if (!this.ready) {
      const best = this.initial.get(key);
      if (!best || compareFrameFiles(candidate, best) > 0) this.initial.set(key, candidate);
      return;
    }
    const current = this.followed.get(key);
    if (current && current.candidate.path === path) {
      // Something was renamed onto the followed name: the follower notices the new inode.
      void current.follower.then((f) => f.checkIdentity());
      return;
    }
    if (current && compareFrameFiles(candidate, current.candidate) < 0) return;
    if (current) {
      this.opts.log.info('following newer file', { module: name.moduleId, dp: name.dataProduct, file: name.fileName, previous: current.candidate.name.fileName });
    }
    void this.follow(candidate);
  }

  private followerFor(path: string): Promise<FrameFileFollower> | undefined {
    const cls = classifyFile(basename(path));
    if (cls.kind === 'not-frames') return undefined;
    const f = this.followed.get(streamKey(cls.name));
    return f && f.candidate.path === path ? f.follower : undefined;
  }

  private async follow(candidate: FrameFileCandidate): Promise<void> {
    if (this.closed) return;
    const key = streamKey(candidate.name);
    const previous = this.followed.get(key);
    // The old file gets its last read first (frames written just before the rollover), so an
    // older frame can never overtake the new file's frames.
    const follower = (async () => {
      if (previous) await (await previous.follower.catch(() => undefined))?.finish();
      return FrameFileFollower.start(candidate.path, candidate.name, this.opts, {
        onFrame: (f) => this.emit(f),
        onGone: (path) => {
          const now = this.followed.get(key);
          if (now && now.candidate.path === path) this.followed.delete(key);
        },
      });
    })();
    this.followed.set(key, { candidate, follower });
    await follower;
  }

  private emit({ frame, name }: FollowedFrame): void {
    const dataProduct = DATA_PRODUCTS[name.dataProduct];
    const meta = { file: name.fileName, moduleId: name.moduleId, dataProduct };
    this.opts.onImage(
      broadcastImage(
        { moduleId: name.moduleId, kind: dataProduct.kind, file: name.fileName, frameNumber: frame.index, seenAt: this.opts.clock() },
        () => panoImageFromFrame(frame, meta),
      ),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tree?.close();
    const runDirs = [...this.runDirs.values()];
    this.runDirs.clear();
    for (const r of await Promise.all(runDirs)) r?.close();
    const followers = [...this.followed.values()];
    this.followed.clear();
    await Promise.all(followers.map(async (f) => (await f.follower.catch(() => undefined))?.close()));
  }
}
