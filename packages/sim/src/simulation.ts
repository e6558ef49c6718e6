// A running simulated recorder: frames from the archive or the generator, played on their own
// timeline and appended through the run writer into a data directory that a node (or anything
// else) watches. Without a dataDir the run goes to a private temporary directory that stop()
// removes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataProduct } from '@daqdata/core';
import { scanArchive } from './replay/archive.js';
import { DEFAULT_ARCHIVE } from './replay/default-archive.js';
import { replayTimeline, identityModuleMap, type ModuleMap } from './replay/replay-timeline.js';
import { RunWriter, type RunWriterStats } from './run/run-writer.js';
import { pace, type PaceResult } from './schedule/pacer.js';
import type { TimedFrame } from './schedule/timed-frame.js';
import { CoincidenceTruthLog, truthFilePath } from './synth/coincidence-truth.js';
import { checkInjection, type CoincidenceInjection } from './synth/coincident-pulses.js';
import { syntheticTimeline } from './synth/synthetic-timeline.js';

export interface ReplaySource {
  kind: 'replay';
  /** Archive roots (data directories, run directories, .pff files); the bundled fixtures by default. */
  archive?: readonly string[];
  /** Start over after the last frame; default true. */
  loop?: boolean;
  /** Archive module id -> simulated module id(s). Archive modules it does not list are not replayed. Identity by default. */
  moduleMap?: ModuleMap | Readonly<Record<number, number | readonly number[]>>;
  /** Simulate exactly these module ids, fed by the archive modules in turn (ignored when moduleMap is given). */
  modules?: readonly number[];
}

export interface SyntheticSource {
  kind: 'synthetic';
  modules?: readonly number[];
  dataProducts?: readonly DataProduct[];
  /** Movie frames per second per module. */
  frameRate?: number;
  /** Mean pulse-height events per second per module and product. */
  eventRate?: number;
  seed?: number;
  /** First pkt_num of each stream (quabo 0); random per stream when omitted. */
  firstPktNum?: number;
  /** Coincident pulses on top of the background events, their truth written beside the run. */
  coincidences?: CoincidenceInjection;
}

export interface SimulationOptions {
  source?: ReplaySource | SyntheticSource;
  /** Where to write the run; kept on stop. A private temporary directory when omitted. */
  dataDir?: string;
  /** Timeline seconds per wall second; Infinity writes as fast as the disk allows. Default 1. */
  speed?: number;
  maxFileBytes?: number;
  chunkBytes?: number;
  obs?: string;
  runtype?: string;
  maxFrames?: number;
  durationMs?: number;
  onFrame?(frame: TimedFrame, dueMs: number, writtenMs: number): void;
  /** Files skipped in the archive, frames that could not be read: the simulation goes on. */
  onWarning?(message: string): void;
}

export interface SimulationResult extends Omit<PaceResult, 'ended'> {
  ended: PaceResult['ended'] | 'error';
  error?: Error;
  written: RunWriterStats;
}

export interface Simulation {
  dataDir: string;
  runDirName: string;
  /** Module ids the simulation writes. */
  moduleIds: number[];
  /** The injected coincidences' truth (DATA_DIR/<run dir>.coincidences.truth.jsonl), when injecting. */
  truthFile?: string;
  /** Settles when the simulation ends by itself or is stopped; never rejects. */
  done: Promise<SimulationResult>;
  written(): Readonly<RunWriterStats>;
  /** Stops writing, closes the files, and removes the directory if it was a private temporary one. */
  stop(): Promise<void>;
}

export const DEFAULT_SYNTHETIC: Required<Pick<SyntheticSource, 'modules' | 'dataProducts' | 'frameRate'>> = {
  modules: [1],
  dataProducts: ['img16', 'ph256'],
  frameRate: 10,
};

function toModuleMap(map: ReplaySource['moduleMap']): ModuleMap {
  if (map === undefined) return identityModuleMap;
  if (typeof map === 'function') return map;
  return (id) => {
    const to = map[id];
    return to === undefined ? [] : typeof to === 'number' ? [to] : to;
  };
}

/**
 * Feeds each wanted module from the archive modules in turn (ascending ids): wanted module j
 * replays archive module j mod A. Archive modules no wanted module reaches are left out.
 */
export function moduleMapOnto(archiveModules: readonly number[], wanted: readonly number[]): ModuleMap {
  const sorted = [...archiveModules].sort((a, b) => a - b);
  const targets = new Map<number, number[]>();
  wanted.forEach((id, j) => {
    const from = sorted[j % sorted.length]!;
    targets.set(from, [...(targets.get(from) ?? []), id]);
  });
  return (id) => targets.get(id) ?? [];
}

async function timelineFor(source: ReplaySource | SyntheticSource, warn: (m: string) => void): Promise<{ frames: AsyncGenerator<TimedFrame, void, undefined>; moduleIds: number[] }> {
  if (source.kind === 'synthetic') {
    const modules = source.modules ?? DEFAULT_SYNTHETIC.modules;
    const frames = syntheticTimeline({
      modules,
      dataProducts: source.dataProducts ?? DEFAULT_SYNTHETIC.dataProducts,
      frameRate: source.frameRate ?? DEFAULT_SYNTHETIC.frameRate,
      ...(source.eventRate !== undefined ? { eventRate: source.eventRate } : {}),
      ...(source.seed !== undefined ? { seed: source.seed } : {}),
      ...(source.firstPktNum !== undefined ? { firstPktNum: source.firstPktNum } : {}),
      ...(source.coincidences ? { coincidences: checkInjection(source.coincidences) } : {}),
      startNs: BigInt(Date.now()) * 1_000_000n,
    });
    return { frames, moduleIds: [...modules] };
  }
  const archive = await scanArchive(source.archive ?? DEFAULT_ARCHIVE);
  for (const s of archive.skipped) warn(`archive: skipped ${s.file}: ${s.reason}`);
  const archiveModules = [...new Set(archive.runs.flatMap((r) => r.streams.map((s) => s.moduleId)))].sort((a, b) => a - b);
  const moduleMap = source.moduleMap === undefined && source.modules?.length ? moduleMapOnto(archiveModules, source.modules) : toModuleMap(source.moduleMap);
  const moduleIds = [...new Set(archiveModules.flatMap((id) => moduleMap(id)))].sort((a, b) => a - b);
  for (const id of archiveModules) if (moduleMap(id).length === 0) warn(`archive module ${id} is not in the module map: not replayed`);
  if (moduleIds.length === 0) throw new Error(`module map leaves no module to replay (archive modules: ${archiveModules.join(', ')})`);
  const frames = replayTimeline(archive, { loop: source.loop ?? true, moduleMap, onSkip: (file, reason) => warn(`archive: ${file}: ${reason}`) });
  return { frames, moduleIds };
}

export async function startSimulation(opts: SimulationOptions = {}): Promise<Simulation> {
  const warn = opts.onWarning ?? (() => undefined);
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${opts.speed}`);
  const { frames, moduleIds } = await timelineFor(opts.source ?? { kind: 'replay' }, warn);
  const privateDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'daq-sim-')));
  let writer: RunWriter;
  try {
    writer = new RunWriter({
      dataDir,
      ...(opts.obs !== undefined ? { obs: opts.obs } : {}),
      runtype: opts.runtype ?? 'sim',
      ...(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {}),
      ...(opts.chunkBytes !== undefined ? { chunkBytes: opts.chunkBytes } : {}),
    });
  } catch (e) {
    await frames.return();
    if (privateDir) await rm(dataDir, { recursive: true, force: true });
    throw e;
  }

  const source = opts.source ?? { kind: 'replay' };
  const truth = source.kind === 'synthetic' && source.coincidences ? await CoincidenceTruthLog.create(truthFilePath(dataDir, writer.runDirName)) : undefined;
  const abort = new AbortController();
  const done: Promise<SimulationResult> = pace(frames, {
    speed,
    signal: abort.signal,
    write: async (f) => {
      await writer.write(f.moduleId, f.dataProduct, f.bytes);
      await truth?.record(f);
    },
    idle: () => writer.flush(),
    ...(opts.maxFrames !== undefined ? { maxFrames: opts.maxFrames } : {}),
    ...(opts.durationMs !== undefined ? { durationMs: opts.durationMs } : {}),
    ...(opts.onFrame ? { onFrame: opts.onFrame } : {}),
  })
    .then(async (r): Promise<SimulationResult> => {
      await frames.return();
      await writer.close();
      await truth?.close();
      return { ...r, written: writer.written };
    })
    .catch(async (e: unknown): Promise<SimulationResult> => {
      await frames.return().catch(() => undefined);
      await writer.close().catch(() => undefined);
      await truth?.close().catch(() => undefined);
      return { frames: writer.written.frames, lagMs: 0, ended: 'error', error: e instanceof Error ? e : new Error(String(e)), written: writer.written };
    });

  let stopping: Promise<void> | undefined;
  return {
    dataDir,
    runDirName: writer.runDirName,
    moduleIds,
    ...(truth ? { truthFile: truth.path } : {}),
    done,
    written: () => writer.written,
    stop() {
      stopping ??= (async () => {
        abort.abort();
        await done;
        if (privateDir) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
