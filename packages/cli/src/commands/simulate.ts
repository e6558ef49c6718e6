// `daq simulate`: writes a synthetic or replayed run into a data directory exactly as a recorder
// would (module_N/<run dir>/<recorder file names>, seqno rollover, optional buffered writes),
// for pointing a real node at it. The simulation flags are shared with `daq up`.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { isDataProduct, type DataProduct } from '@daqdata/core';
import { DEFAULT_SYNTHETIC, MAX_COINCIDENT_RATE, MAX_SPREAD_NS, startSimulation, type ReplaySource, type SimulationOptions, type SyntheticSource } from '@daqdata/sim';
import { CliError, EXIT } from '../exit-codes.js';
import { argParser, parseCount, parseList, parseModuleIds, parsePositiveNumber } from '../options/option-parsers.js';

export interface SimulationFlags {
  synthetic?: boolean;
  archive?: string[];
  modules?: number[];
  products?: DataProduct[];
  rate?: number;
  eventRate?: number;
  speed?: number;
  loop: boolean;
  seed?: number;
  maxFileSize?: number;
  chunkBytes?: number;
  coincidentRate?: number;
  pulsarFrequency?: number;
  coincidentModules?: number[];
  coincidentSpread?: number;
}

export function parseProducts(value: string): DataProduct[] {
  return parseList(value).map((p) => {
    if (!isDataProduct(p)) throw new Error(`data product "${p}" is not one of img16, img8, ph256, ph1024`);
    return p;
  });
}

/** Bytes, with an optional K/M/G suffix (powers of 1024): 1048576, 512K, 64M, 1G. */
export function parseByteSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]i?B?|B)?$/i.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not a size such as 1048576, 512K, 64M or 1G`);
  const unit = (m[2] ?? '').toUpperCase()[0];
  const bytes = Math.floor(Number(m[1]) * (unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1));
  if (bytes < 1) throw new Error(`"${value}" is not a positive size`);
  return bytes;
}

function parseCoincidentRate(value: string): number {
  const n = parsePositiveNumber(value);
  if (n > MAX_COINCIDENT_RATE) throw new Error(`"${value}" is above ${MAX_COINCIDENT_RATE} pulses per second`);
  return n;
}

function parseSpreadNs(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_SPREAD_NS) throw new Error(`"${value}" is not an integer 0-${MAX_SPREAD_NS} (ns)`);
  return Number(value);
}

function parseSeed(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) throw new Error(`"${value}" is not an integer 0-4294967295`);
  return Number(value);
}

export function addSimulationOptions(cmd: Command): Command {
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  return cmd
    .option('--synthetic', 'generate frames (sky, drifting stars, pulse-height events) instead of replaying an archive')
    .option('--archive <path>', 'replay this archived run, data directory or .pff file (repeatable; default: the bundled fixtures)', collect)
    .option('--modules <ids>', 'module ids to simulate, e.g. 1,2 (replay: fed by the archive modules in turn)', argParser(parseModuleIds))
    .option('--products <dps>', 'synthetic data products (default img16,ph256)', argParser(parseProducts))
    .option('--rate <fps>', 'synthetic movie frames per second per module (default 10)', argParser(parsePositiveNumber))
    .option('--event-rate <per-s>', 'synthetic pulse-height events per second per module (default 2)', argParser(parsePositiveNumber))
    .option('--speed <factor>', 'replay speed: 1 = as recorded, 10 = ten times faster (default 1)', argParser(parsePositiveNumber))
    .option('--no-loop', 'replay the archive once instead of looping')
    .option('--seed <n>', 'synthetic random seed (same seed, same frames)', argParser(parseSeed))
    .option('--max-file-size <size>', 'start the next seqno before a file passes this size, e.g. 64M (default 64M)', argParser(parseByteSize))
    .option('--chunk-bytes <size>', 'write in buffered chunks of this size (frames may be split across writes, as a recorder does)', argParser(parseByteSize))
    .option('--coincident-rate <per-s>', `synthetic: inject pulses seen by several modules at once, this many per second (at most ${MAX_COINCIDENT_RATE}); truth in DATA_DIR/<run>.coincidences.truth.jsonl`, argParser(parseCoincidentRate))
    .option('--coincident-modules <ids>', 'modules each injected pulse is seen by (default: every simulated module; daq up: every node\'s)', argParser(parseModuleIds))
    .option('--coincident-spread <ns>', 'each module sees a pulse 0..this many ns after its time (default 100)', argParser(parseSpreadNs))
    .option('--pulsar-frequency <hz>', 'synthetic: a star at the module centre pulsing at this frequency in movie frames (depth 0.5; sample it faster than twice that with --rate)', argParser(parsePositiveNumber));
}

/** What the flags ask for, checked for contradictions. */
export function simulationOptions(flags: SimulationFlags): Omit<SimulationOptions, 'dataDir'> {
  if (flags.synthetic && flags.archive) throw new CliError('--synthetic and --archive contradict each other: generate or replay, not both', EXIT.usage);
  const syntheticOnly = (['products', 'rate', 'eventRate', 'seed', 'coincidentRate', 'coincidentModules', 'coincidentSpread', 'pulsarFrequency'] as const).filter((k) => flags[k] !== undefined);
  if (!flags.synthetic && syntheticOnly.length > 0) {
    const names = syntheticOnly.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new CliError(`${names.join(', ')} ${names.length > 1 ? 'apply' : 'applies'} only to synthetic frames: add --synthetic`, EXIT.usage);
  }
  if (flags.coincidentRate === undefined && (flags.coincidentModules || flags.coincidentSpread !== undefined)) {
    throw new CliError('--coincident-modules and --coincident-spread shape injected pulses: add --coincident-rate', EXIT.usage);
  }
  const source: ReplaySource | SyntheticSource = flags.synthetic
    ? {
        kind: 'synthetic',
        ...(flags.modules ? { modules: flags.modules } : {}),
        ...(flags.products ? { dataProducts: flags.products } : {}),
        ...(flags.rate !== undefined ? { frameRate: flags.rate } : {}),
        ...(flags.eventRate !== undefined ? { eventRate: flags.eventRate } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(flags.pulsarFrequency !== undefined ? { pulsar: { frequencyHz: flags.pulsarFrequency } } : {}),
        ...(flags.coincidentRate !== undefined
          ? {
              coincidences: {
                rate: flags.coincidentRate,
                modules: flags.coincidentModules ?? flags.modules ?? DEFAULT_SYNTHETIC.modules,
                ...(flags.coincidentSpread !== undefined ? { spreadNs: flags.coincidentSpread } : {}),
              },
            }
          : {}),
      }
    : {
        kind: 'replay',
        loop: flags.loop,
        ...(flags.archive ? { archive: flags.archive.map((a) => resolve(a)) } : {}),
        ...(flags.modules ? { modules: flags.modules } : {}),
      };
  return {
    source,
    ...(flags.speed !== undefined ? { speed: flags.speed } : {}),
    ...(flags.maxFileSize !== undefined ? { maxFileBytes: flags.maxFileSize } : {}),
    ...(flags.chunkBytes !== undefined ? { chunkBytes: flags.chunkBytes } : {}),
  };
}

/** The same flags as command-line arguments, for child processes (`daq up` nodes). */
export function simulationArgs(flags: SimulationFlags): string[] {
  const args: string[] = [];
  if (flags.synthetic) args.push('--synthetic');
  for (const a of flags.archive ?? []) args.push('--archive', resolve(a));
  if (flags.products) args.push('--products', flags.products.join(','));
  const numeric = {
    rate: '--rate',
    eventRate: '--event-rate',
    speed: '--speed',
    seed: '--seed',
    maxFileSize: '--max-file-size',
    chunkBytes: '--chunk-bytes',
    coincidentRate: '--coincident-rate',
    coincidentSpread: '--coincident-spread',
    pulsarFrequency: '--pulsar-frequency',
  } as const;
  for (const [key, flag] of Object.entries(numeric) as Array<[keyof typeof numeric, string]>) {
    if (flags[key] !== undefined) args.push(flag, String(flags[key]));
  }
  if (flags.coincidentModules) args.push('--coincident-modules', flags.coincidentModules.join(','));
  if (!flags.loop) args.push('--no-loop');
  return args;
}

interface SimulateFlags extends SimulationFlags {
  duration?: number;
  frames?: number;
  progress: number;
  obs: string;
  runtype: string;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function simulateCommand(): Command {
  const cmd = new Command('simulate')
    .description('write a synthetic or replayed run into a data directory, as a recorder would, until stopped')
    .argument('[data_dir]', 'data directory to write module_N/<run>/ into', 'sim_data')
    .option('--duration <seconds>', 'stop after this many seconds', argParser(parsePositiveNumber))
    .option('--frames <n>', 'stop after this many frames', argParser(parseCount))
    .addOption(new Option('--progress <seconds>', 'seconds between progress lines').default(1).argParser(argParser(parsePositiveNumber)))
    .option('--obs <name>', 'observatory name in the run directory name', 'sim')
    .option('--runtype <type>', 'run type in the run directory name', 'sim');
  return addSimulationOptions(cmd).action((dataDir: string, flags: SimulateFlags) => simulate(resolve(dataDir), flags));
}

async function simulate(dataDir: string, flags: SimulateFlags): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const options = simulationOptions(flags);
  let started: number | undefined;
  const sim = await startSimulation({
    ...options,
    dataDir,
    obs: flags.obs,
    runtype: flags.runtype,
    ...(flags.duration !== undefined ? { durationMs: flags.duration * 1000 } : {}),
    ...(flags.frames !== undefined ? { maxFrames: flags.frames } : {}),
    onWarning: (w) => process.stderr.write(`daq simulate: warning: ${w}\n`),
  }).catch((err: Error) => {
    throw new CliError(err.message, EXIT.usage);
  });
  started = performance.now();
  out(`writing ${options.source?.kind ?? 'replay'} run for module${sim.moduleIds.length > 1 ? 's' : ''} ${sim.moduleIds.join(', ')} into ${dataDir}/module_N/${sim.runDirName}`);
  if (sim.truthFile) out(`injected coincidences: truth in ${sim.truthFile}`);
  const line = () => {
    const w = sim.written();
    return `${((performance.now() - started!) / 1000).toFixed(1)} s: ${w.frames} frames, ${megabytes(w.bytes)}, ${w.files.length} files`;
  };
  const timer = setInterval(() => out(line()), flags.progress * 1000);
  const stop = () => void sim.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const result = await sim.done;
  clearInterval(timer);
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  await sim.stop();
  if (result.ended === 'error') throw result.error!;
  out(`done (${result.ended === 'aborted' ? 'stopped' : result.ended}): ${line()}${result.lagMs > 100 ? `, ${Math.round(result.lagMs)} ms behind schedule (the disk did not keep up with the rate)` : ''}`);
}
