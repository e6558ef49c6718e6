// What an archived recording holds: its frame files grouped into runs (one directory each) and
// streams (one module and data product, files in seqno order), with each stream's first and
// last frame time. An archive root may be a data directory (module_N/<run>.pffd/...), a run
// directory, a directory of .pff files, or a single .pff file.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { classifyFile, frameTime, timingPacket, type BadRun, type DataFileName, type DataProduct, type PffFrame } from '@daqdata/core';
import { PffFile } from '@daqdata/core/node';

export interface ArchiveStream {
  moduleId: number;
  dataProduct: DataProduct;
  /** Frame files in seqno order. */
  files: string[];
  firstNs: bigint;
  lastNs: bigint;
  /** Whether the first frame's White Rabbit clock was synchronised (else arrival times pace it). */
  whiteRabbit: boolean;
}

export interface ArchiveRun {
  dir: string;
  streams: ArchiveStream[];
  firstNs: bigint;
  lastNs: bigint;
  frameCount: number;
}

export interface Archive {
  runs: ArchiveRun[];
  /** Files skipped and why (not frames, unreadable): the replay goes on without them. */
  skipped: Array<{ file: string; reason: string }>;
}

/** How deep below a root to look: DATA_DIR/module_N/run.pffd/file is depth 3. */
const MAX_DEPTH = 4;

/** The time that paces a frame: White Rabbit when synchronised, else the arrival clock. */
export function replayTimeNs(frame: Pick<PffFrame, 'header'>): bigint {
  return frameTime(timingPacket(frame.header)).unixNs;
}

async function collectFiles(path: string, depth: number, out: string[]): Promise<void> {
  const info = await stat(path);
  if (info.isFile()) {
    out.push(path);
    return;
  }
  if (!info.isDirectory() || depth > MAX_DEPTH) return;
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.isDirectory() || e.isFile()) await collectFiles(join(path, e.name), depth + 1, out);
  }
}

/** Every complete frame of a stream, file after file, read in bounded batches. */
export async function* streamFrames(stream: ArchiveStream, onSkip?: (file: string, reason: string) => void): AsyncGenerator<PffFrame> {
  for (const path of stream.files) {
    const file = await PffFile.open(path);
    try {
      let from = 0;
      let badRun: BadRun | undefined;
      for (;;) {
        const batch = await file.readFramesFrom(from, 4 * 1024 * 1024, badRun);
        for (const e of batch.errors) onSkip?.(path, e.message);
        yield* batch.frames;
        if (batch.next === from) break;
        from = batch.next;
        badRun = batch.badRun;
      }
    } finally {
      await file.close();
    }
  }
}

async function frameTimes(files: string[]): Promise<{ firstNs: bigint; lastNs: bigint; whiteRabbit: boolean; frames: number }> {
  let first: PffFrame | undefined;
  let last: PffFrame | undefined;
  let frames = 0;
  for (const path of files) {
    const file = await PffFile.open(path);
    try {
      const count = await file.frameCount();
      frames += count;
      if (count === 0) continue;
      first ??= await file.readFrame(0);
      last = await file.readFrame(count - 1);
    } finally {
      await file.close();
    }
  }
  if (!first || !last) throw new Error(`${files[0]}: no complete frame`);
  return {
    firstNs: replayTimeNs(first),
    lastNs: replayTimeNs(last),
    whiteRabbit: frameTime(timingPacket(first.header)).wrSynchronised,
    frames,
  };
}

export async function scanArchive(roots: readonly string[]): Promise<Archive> {
  const skipped: Archive['skipped'] = [];
  const groups = new Map<string, Map<string, Array<DataFileName & { path: string }>>>();
  for (const root of roots) {
    const files: string[] = [];
    try {
      await collectFiles(resolve(root), 0, files);
    } catch (e) {
      throw new Error(`archive ${root}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
    }
    for (const path of files) {
      const c = classifyFile(path);
      if (c.kind === 'not-frames') {
        // Housekeeping, JSON and marker files are expected in a run; a .pff we cannot name is worth a warning.
        if (path.endsWith('.pff') && basename(path) !== 'hk.pff') skipped.push({ file: path, reason: c.reason });
        continue;
      }
      const run = dirname(path);
      const streams = groups.get(run) ?? new Map();
      groups.set(run, streams);
      const key = `${c.name.moduleId}/${c.name.dataProduct}`;
      streams.set(key, [...(streams.get(key) ?? []), { ...c.name, path }]);
    }
  }

  const runs: ArchiveRun[] = [];
  for (const [dir, streams] of groups) {
    const run: ArchiveRun = { dir, streams: [], firstNs: 0n, lastNs: 0n, frameCount: 0 };
    for (const named of streams.values()) {
      named.sort((a, b) => a.seqno - b.seqno);
      const files = named.map((n) => n.path);
      try {
        const t = await frameTimes(files);
        run.streams.push({ moduleId: named[0]!.moduleId, dataProduct: named[0]!.dataProduct, files, firstNs: t.firstNs, lastNs: t.lastNs, whiteRabbit: t.whiteRabbit });
        run.frameCount += t.frames;
      } catch (e) {
        skipped.push({ file: files.join(', '), reason: (e as Error).message });
      }
    }
    if (run.streams.length === 0) continue;
    run.firstNs = run.streams.reduce((m, s) => (s.firstNs < m ? s.firstNs : m), run.streams[0]!.firstNs);
    run.lastNs = run.streams.reduce((m, s) => (s.lastNs > m ? s.lastNs : m), run.streams[0]!.lastNs);
    runs.push(run);
  }
  if (runs.length === 0) {
    const why = skipped.length > 0 ? `; skipped: ${skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}` : '';
    throw new Error(`archive ${roots.join(', ')}: no readable PFF frame files${why}`);
  }
  return { runs, skipped };
}
