// Follows DATA_DIR/module_N/<run>.pffd/ for one node. The tree of module and run directories
// is followed by ChildDirs (a directory watch signals, a listing decides, so directories
// created while the watcher starts are not missed); each run directory's files are followed by
// RunDirFiles (new files, rollovers, deletions, replacements); per module and data product the
// newest file is read by a FrameFileFollower, whose own fs.watch signals appends unthrottled.
// A read's frames are handed on together (`onFileFrames`: the node's ring holds them as the
// file does) or each as a BroadcastImage (encoded lazily, once) handed to `onImage`. Nothing polls
// unless the kernel refuses a watch (PathWatches): an idle tree costs nothing. Every directory
// is followed once however it was found (idempotent). Everything followed is confined to
// `allowedRoots` after resolving links (FollowGuard): directories when they are listed, files
// on their opened descriptor.
import { basename, dirname, relative } from 'node:path';
import { DATA_PRODUCTS, classifyFile, parseModuleDirName, type ImageKind } from '@daqdata/core';
import { broadcastImage, type BroadcastImage } from '../broadcast/broadcast-image.js';
import { PffFrameSource, encodePffPanoImage, framePixelsOfPff, type FileFrameRun } from '../broadcast/pff-frame-bytes.js';
import type { Clock } from '../broadcast/clock.js';
import type { Logger } from '../log/logger.js';
import type { FileIngestTally } from '../metrics/ingest-tally.js';
import { ChildDirs, type ChildDirsContext } from './child-dirs.js';
import { compareFrameFiles, streamKey, type FrameFileCandidate } from './current-file.js';
import { DataRoots } from './data-roots.js';
import { FollowGuard } from './follow-guard.js';
import { FrameFileFollower, type FollowedFrames } from './frame-file-follower.js';
import { PathWatches, type WatchCounts, type WatchFunction } from './path-watches.js';
import { RunDirFiles } from './run-dir-files.js';

export interface DataDirWatcherOptions {
  dataDir: string;
  /** Empty: every module. */
  moduleIds: ReadonlySet<number>;
  log: Logger;
  clock: Clock;
  /** The node's update interval: files are not read more often (no client could get more). */
  readIntervalMs: () => number;
  /** Whether an every-frame client wants every frame of this module and type (default: none does). */
  everyFrame?: (moduleId: number, kind: ImageKind) => boolean;
  onImage(image: BroadcastImage): void;
  /** The frames of one read, published together if the node takes them so (true); false: each goes to onImage. */
  onFileFrames?(run: FileFrameRun): boolean;
  /**
   * Everything followed must resolve (links and all) inside one of these; null: unconfined
   * (any directory the node is pointed at is followed, links wherever they lead).
   */
  allowedRoots: readonly string[] | null;
  /** The kernel watch (default fs.watch): injectable so tests can make the kernel refuse. */
  watch?: WatchFunction;
  /** How often a path is polled when the kernel refused to watch it (default 100 ms). */
  pollIntervalMs?: number;
  /** Counts for the node's metrics (given to every file follower). */
  tally?: FileIngestTally;
}

interface Followed {
  candidate: FrameFileCandidate;
  follower: Promise<FrameFileFollower>;
}

export class DataDirWatcher {
  private readonly followed = new Map<string, Followed>();
  /** data_dir's module directories. */
  private modules: ChildDirs | undefined;
  /** Per module directory, its run directories. */
  private readonly moduleDirs = new Map<string, Promise<ChildDirs | undefined>>();
  private readonly runDirs = new Map<string, Promise<RunDirFiles | undefined>>();
  private ready = false;
  private closed = false;
  /** Newest file per stream seen during the initial scan; followed once the scan is done. */
  private readonly initial = new Map<string, FrameFileCandidate>();

  private readonly context: ChildDirsContext;

  private constructor(
    private readonly opts: DataDirWatcherOptions,
    roots: DataRoots,
  ) {
    const watches = new PathWatches({ watch: opts.watch, pollIntervalMs: opts.pollIntervalMs, log: opts.log, describe: (p) => relative(opts.dataDir, p) || '.' });
    this.context = { watches, guard: new FollowGuard(roots, opts.log) };
  }

  /** Resolves once the existing tree is scanned and the current files are followed. */
  static async start(opts: DataDirWatcherOptions): Promise<DataDirWatcher> {
    const w = new DataDirWatcher(opts, await DataRoots.resolve(opts.allowedRoots));
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

  /** Watches in place and polling fallbacks (for metrics). */
  watchCounts(): WatchCounts {
    return this.context.watches.counts();
  }

  /** Paths currently followed (for status and tests). */
  followedFiles(): string[] {
    return [...this.followed.values()].map((f) => f.candidate.path);
  }

  private async startTree(): Promise<void> {
    const { dataDir, log } = this.opts;
    const modules = await ChildDirs.start(dataDir, {
      accepts: (name) => this.isFollowedModule(name),
      onDir: (path) => this.moduleDirAppeared(path),
      onDirGone: (path) => this.moduleDirGone(path),
      onError: (err) => log.warn('data directory watch error', { error: err.message }),
    }, this.context);
    if (this.closed) return modules.close();
    this.modules = modules;
    // Every module directory found so far has listed its run directories, and every run
    // directory its files: now follow the newest ones. (Promise.all takes the maps as they are
    // now, so the module directories are awaited before the run directories they report.)
    await Promise.all(this.moduleDirs.values());
    await Promise.all(this.runDirs.values());
    this.ready = true;
    // Files that were there before: their newest frame, never their history (every-frame clients included).
    const starts = [...this.initial.values()].map((c) => this.follow(c, 'newest'));
    this.initial.clear();
    await Promise.all(starts);
  }

  private isFollowedModule(dirName: string): boolean {
    const id = parseModuleDirName(dirName);
    if (id === undefined) return false;
    return this.opts.moduleIds.size === 0 || this.opts.moduleIds.has(id);
  }

  private dirAppeared(what: string, path: string): void {
    if (this.ready) this.opts.log.info(what, { dir: relative(this.opts.dataDir, path) });
  }

  private moduleDirAppeared(dir: string): void {
    if (this.closed || this.moduleDirs.has(dir)) return;
    this.dirAppeared('new module directory', dir);
    this.moduleDirs.set(dir, this.watchModuleDir(dir));
  }

  /** Stops following `dir` (logged); false when it was not followed. */
  private forgetDir(followed: Map<string, Promise<{ close(): unknown } | undefined>>, dir: string): boolean {
    const watch = followed.get(dir);
    if (!watch) return false;
    followed.delete(dir);
    this.opts.log.info('directory removed', { dir: relative(this.opts.dataDir, dir) });
    void watch.then((w) => w?.close());
    return true;
  }

  private moduleDirGone(dir: string): void {
    if (!this.forgetDir(this.moduleDirs, dir)) return;
    // Its run directories went with it, whether or not their removal was seen first.
    for (const run of [...this.runDirs.keys()]) if (dirname(run) === dir) this.runDirGone(run);
  }

  private runDirAppeared(dir: string): void {
    if (this.closed || this.runDirs.has(dir)) return;
    this.dirAppeared('new run directory', dir);
    this.runDirs.set(dir, this.watchRunDir(dir));
  }

  private runDirGone(dir: string): void {
    this.forgetDir(this.runDirs, dir);
  }

  private async watchModuleDir(dir: string): Promise<ChildDirs | undefined> {
    const rel = relative(this.opts.dataDir, dir);
    try {
      return await ChildDirs.start(dir, {
        accepts: () => true,
        onDir: (path) => this.runDirAppeared(path),
        onDirGone: (path) => this.runDirGone(path),
        onError: (err) => this.opts.log.warn('module directory watch error', { dir: rel, error: err.message }),
      }, this.context);
    } catch (err) {
      this.opts.log.warn('cannot watch module directory', { dir: rel, error: (err as Error).message });
      return undefined;
    }
  }

  private async watchRunDir(dir: string): Promise<RunDirFiles | undefined> {
    try {
      return await RunDirFiles.start(dir, {
        onFile: (path) => this.fileSeen(path),
        onFileGone: (path) => this.followerFor(path)?.then((f) => f.checkIdentity()),
        onError: (err) => this.opts.log.warn('run directory watch error', { dir: relative(this.opts.dataDir, dir), error: err.message }),
      }, this.context);
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
    // A file that appeared while following (a rollover, a new run): every frame of it is new.
    void this.follow(candidate, 'start');
  }

  private followerFor(path: string): Promise<FrameFileFollower> | undefined {
    const cls = classifyFile(basename(path));
    if (cls.kind === 'not-frames') return undefined;
    const f = this.followed.get(streamKey(cls.name));
    return f && f.candidate.path === path ? f.follower : undefined;
  }

  private async follow(candidate: FrameFileCandidate, startAt: 'newest' | 'start'): Promise<void> {
    if (this.closed) return;
    const key = streamKey(candidate.name);
    const previous = this.followed.get(key);
    // The old file gets its last read first (frames written just before the rollover), so an
    // older frame can never overtake the new file's frames.
    const follower = (async () => {
      if (previous) await (await previous.follower.catch(() => undefined))?.finish();
      const { moduleId, dataProduct } = candidate.name;
      const kind = DATA_PRODUCTS[dataProduct].kind;
      const everyFrame = () => this.opts.everyFrame?.(moduleId, kind) ?? false;
      return FrameFileFollower.start(candidate.path, candidate.name, { ...this.opts, ...this.context, everyFrame, startAt }, {
        onFrames: (f) => this.emit(f),
        onGone: (path) => {
          const now = this.followed.get(key);
          if (now && now.candidate.path === path) this.followed.delete(key);
        },
      });
    })();
    this.followed.set(key, { candidate, follower });
    await follower;
  }

  /** The frames of one read: as one run if the node takes them so, else each as an image. */
  private emit({ name, bytes, starts, indexes, frameSize, headerLength, seenAt }: FollowedFrames): void {
    const dataProduct = DATA_PRODUCTS[name.dataProduct];
    const kind = dataProduct.kind;
    const images: BroadcastImage[] = [];
    const sources: PffFrameSource[] = [];
    const image = (k: number): BroadcastImage => {
      const frameNumber = indexes[k]!;
      // The frame's bytes, where the encoder and the pixel source read them: the follower's read
      // buffer now, the ring's slab once it keeps them (keepPffAt), or a copy (below).
      const pff = new PffFrameSource(new Uint8Array(bytes.buffer, bytes.byteOffset + starts[k]!, frameSize), dataProduct, headerLength);
      const made = broadcastImage(
        { moduleId: name.moduleId, kind, file: name.fileName, frameNumber, seenAt },
        () => encodePffPanoImage(pff, { file: name.fileName, moduleId: name.moduleId, frameNumber }),
        () => framePixelsOfPff(pff, name.fileName),
        pff,
      );
      images.push(made);
      sources.push(pff);
      return made;
    };
    const run: FileFrameRun = { moduleId: name.moduleId, kind, file: name.fileName, dataProduct, bytes, starts, frameNumbers: indexes, frameSize, seenAt, image };
    if (!this.opts.onFileFrames?.(run)) for (let k = 0; k < starts.length; k++) this.opts.onImage(image(k));
    // The follower's next read overwrites its buffer: a frame the ring keeps reads the ring's
    // copy, any other (a preview, encoded when a client's slot sends it) a copy of its own.
    for (let i = 0; i < images.length; i++) if (!images[i]!.pffKept) sources[i]!.copy();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.modules?.close();
    const moduleDirs = [...this.moduleDirs.values()];
    this.moduleDirs.clear();
    await Promise.all(moduleDirs.map(async (m) => (await m)?.close()));
    const runDirs = [...this.runDirs.values()];
    this.runDirs.clear();
    for (const r of await Promise.all(runDirs)) r?.close();
    const followers = [...this.followed.values()];
    this.followed.clear();
    await Promise.all(followers.map(async (f) => (await f.follower.catch(() => undefined))?.close()));
  }
}
