// A running simulated recorder: frames from the archive or the generator, played on their own
// timeline and appended through the run writer into a data directory that a node (or anything
// else) watches, or sent to a node's recorder sockets. Without a dataDir the run goes to a
// private temporary directory that stop() removes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataProduct } from '@daqdata/core';
import { scanArchive } from './replay/archive.js';
import { DEFAULT_ARCHIVE } from './replay/default-archive.js';
import type { ArchiveStream } from './replay/archive.js';
import { replayTimeline, identityModuleMap, type ModuleMap } from './replay/replay-timeline.js';
import { RecorderSocketWriter } from './run/recorder-socket-writer.js';
import { RunWriter, type RunWriterStats } from './run/run-writer.js';
import { mergeByTime } from './schedule/merge-by-time.js';
import { pace, type PaceResult } from './schedule/pacer.js';
import { limitPerStream, streamKey } from './schedule/per-stream-limit.js';
import type { TimedFrame } from './schedule/timed-frame.js';
import { CoincidenceTruthLog, truthFilePath } from './synth/coincidence-truth.js';
import { checkInjection, type CoincidenceInjection } from './synth/coincident-pulses.js';
import { syntheticTimeline } from './synth/synthetic-timeline.js';
import type { PulsarOptions } from './synth/sky-model.js';

export interface ReplaySource {
  kind: 'replay';
  /** Archive roots (data directories, run directories, .pff files); the bundled fixtures by default. */
  archive?: readonly string[];
  /** Start over after the last frame; default true. */
  loop?: boolean;
  /** Archive module id -> simulated module id(s). Archive modules it does not list are not replayed. Identity by default. */
  moduleMap?: ModuleMap | Readonly<Record<number, number | readonly number[]>>;
  /** Simulate exactly these module ids, each product fed by the archive modules with that product in turn (ignored when moduleMap is given). */
  modules?: readonly number[];
  /** Only these data products; those the archive lacks are generated (synthetic frames) for the simulated modules. All the archive's by default. */
  dataProducts?: readonly DataProduct[];
  /** Replay only this archive module's frames (the reference's source_data.real_module_id). */
  archiveModule?: number;
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
  /** A pulsing star at a chosen frequency in every module's movie frames (issue 17). */
  pulsar?: PulsarOptions;
}

export interface SimulationOptions {
  source?: ReplaySource | SyntheticSource;
  /** Where to write the run; kept on stop. A private temporary directory when omitted. */
  dataDir?: string;
  /** Timeline seconds per wall second; Infinity writes as fast as the disk allows. Default 1. */
  speed?: number;
  maxFileBytes?: number;
  chunkBytes?: number;
  /** Start the next seqno file after this many frames (the reference's frames_per_pff). */
  framesPerFile?: number;
  /** Stop each module and data product after this many frames (the reference's frame_limit); the simulation ends when all have. */
  frameLimit?: number;
  /**
   * Play the recorder on a node's recorder sockets instead of writing files: one connection per
   * data product at socketPathTemplate ({dp_name} filled in). The data directory stays empty.
   */
  recorderSockets?: { socketPathTemplate: string };
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
  /** The run directory's name under module_N/ ('' when frames go to recorder sockets). */
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

/** moduleMapOnto per data product: every wanted module gets every product the archive has, each from the archive modules that have it. */
export function productModuleMapOnto(streams: ReadonlyArray<Pick<ArchiveStream, 'moduleId' | 'dataProduct'>>, wanted: readonly number[]): ModuleMap {
  const byProduct = new Map<DataProduct, ModuleMap>();
  for (const dp of new Set(streams.map((s) => s.dataProduct))) {
    byProduct.set(dp, moduleMapOnto([...new Set(streams.filter((s) => s.dataProduct === dp).map((s) => s.moduleId))], wanted));
  }
  return (id, dp) => byProduct.get(dp)?.(id, dp) ?? [];
}

interface Timeline {
  frames: AsyncGenerator<TimedFrame, void, undefined>;
  moduleIds: number[];
  /** Every module/product the timeline writes (streamKey). */
  streams: Set<string>;
}

function synthetic(source: SyntheticSource, modules: readonly number[], dataProducts: readonly DataProduct[]): Timeline {
  const frames = syntheticTimeline({
    modules,
    dataProducts,
    frameRate: source.frameRate ?? DEFAULT_SYNTHETIC.frameRate,
    ...(source.eventRate !== undefined ? { eventRate: source.eventRate } : {}),
    ...(source.seed !== undefined ? { seed: source.seed } : {}),
    ...(source.firstPktNum !== undefined ? { firstPktNum: source.firstPktNum } : {}),
    ...(source.coincidences ? { coincidences: checkInjection(source.coincidences) } : {}),
    ...(source.pulsar ? { pulsar: source.pulsar } : {}),
    startNs: BigInt(Date.now()) * 1_000_000n,
  });
  return { frames, moduleIds: [...modules], streams: new Set(modules.flatMap((moduleId) => dataProducts.map((dataProduct) => streamKey({ moduleId, dataProduct })))) };
}

async function timelineFor(source: ReplaySource | SyntheticSource, warn: (m: string) => void): Promise<Timeline> {
  if (source.kind === 'synthetic') return synthetic(source, source.modules ?? DEFAULT_SYNTHETIC.modules, source.dataProducts ?? DEFAULT_SYNTHETIC.dataProducts);
  const archive = await scanArchive(source.archive ?? DEFAULT_ARCHIVE);
  for (const s of archive.skipped) warn(`archive: skipped ${s.file}: ${s.reason}`);
  const all = archive.runs.flatMap((r) => r.streams);
  const archiveModules = [...new Set(all.map((s) => s.moduleId))].sort((a, b) => a - b);
  if (source.archiveModule !== undefined && !archiveModules.includes(source.archiveModule)) {
    throw new Error(`archive has no frames of module ${source.archiveModule} (it holds module${archiveModules.length > 1 ? 's' : ''} ${archiveModules.join(', ')})`);
  }
  const usable = (id: number, dp: DataProduct) => (source.dataProducts === undefined || source.dataProducts.includes(dp)) && (source.archiveModule === undefined || id === source.archiveModule);
  const streams = all.filter((s) => usable(s.moduleId, s.dataProduct));
  const inner = source.moduleMap === undefined && source.modules?.length ? productModuleMapOnto(streams, source.modules) : toModuleMap(source.moduleMap);
  const moduleMap: ModuleMap = (id, dp) => (usable(id, dp) ? inner(id, dp) : []);
  const keys = new Set(streams.flatMap((s) => moduleMap(s.moduleId, s.dataProduct).map((moduleId) => streamKey({ moduleId, dataProduct: s.dataProduct }))));
  const replayed = new Set(streams.filter((s) => moduleMap(s.moduleId, s.dataProduct).length > 0).map((s) => s.moduleId));
  for (const id of archiveModules) if (!replayed.has(id)) warn(`archive module ${id} is not in the module map: not replayed`);
  const moduleIds = [...new Set([...keys].map((k) => Number(k.split('/')[0])))].sort((a, b) => a - b);
  const missing = (source.dataProducts ?? []).filter((dp) => !streams.some((s) => s.dataProduct === dp));
  if (moduleIds.length === 0 && missing.length === 0) throw new Error(`module map leaves no module to replay (archive modules: ${archiveModules.join(', ')})`);
  const frames = replayTimeline(archive, { loop: source.loop ?? true, moduleMap, onSkip: (file, reason) => warn(`archive: ${file}: ${reason}`) });
  if (missing.length === 0) return { frames, moduleIds, streams: keys };
  // Products the archive does not hold are generated for the same modules.
  const modules = source.modules?.length ? source.modules : moduleIds.length ? moduleIds : DEFAULT_SYNTHETIC.modules;
  warn(`the archive has no ${missing.join(' or ')} frames: generating them for module${modules.length > 1 ? 's' : ''} ${modules.join(', ')}`);
  const generated = synthetic({ kind: 'synthetic' }, modules, missing);
  return {
    frames: mergeByTime([frames, generated.frames], (f) => f.offsetNs),
    moduleIds: [...new Set([...moduleIds, ...modules])].sort((a, b) => a - b),
    streams: new Set([...keys, ...generated.streams]),
  };
}

export async function startSimulation(opts: SimulationOptions = {}): Promise<Simulation> {
  const warn = opts.onWarning ?? (() => undefined);
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${opts.speed}`);
  for (const [name, value] of [['framesPerFile', opts.framesPerFile], ['frameLimit', opts.frameLimit]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  const timeline = await timelineFor(opts.source ?? { kind: 'replay' }, warn);
  const { moduleIds } = timeline;
  const frames = opts.frameLimit === undefined ? timeline.frames : limitPerStream(timeline.frames, opts.frameLimit, timeline.streams);
  const privateDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'daq-sim-')));
  let writer: RunWriter | RecorderSocketWriter;
  try {
    if (opts.recorderSockets) {
      const products = [...new Set([...timeline.streams].map((k) => k.split('/')[1] as DataProduct))];
      writer = await RecorderSocketWriter.connect(opts.recorderSockets.socketPathTemplate, products);
    } else {
      writer = new RunWriter({
        dataDir,
        ...(opts.obs !== undefined ? { obs: opts.obs } : {}),
        runtype: opts.runtype ?? 'sim',
        ...(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {}),
        ...(opts.chunkBytes !== undefined ? { chunkBytes: opts.chunkBytes } : {}),
        ...(opts.framesPerFile !== undefined ? { maxFramesPerFile: opts.framesPerFile } : {}),
      });
    }
  } catch (e) {
    await frames.return();
    if (privateDir) await rm(dataDir, { recursive: true, force: true });
    throw e;
  }

  const source = opts.source ?? { kind: 'replay' };
  // Frames played on recorder sockets have no run directory: the truth is named after the sockets.
  const runDirName = writer instanceof RunWriter ? writer.runDirName : '';
  const truth = source.kind === 'synthetic' && source.coincidences ? await CoincidenceTruthLog.create(truthFilePath(dataDir, runDirName || 'recorder-sockets')) : undefined;
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
    runDirName,
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
