// The simulator a DAQ node plugs in for InitHpIo(simulate_daq). Structurally the server's
// DaqSimulator interface (and NodeSimulationSettings its type of the same name); defined here
// because the server depends on this package, not the other way round.
//
// Each start simulates into a fresh private temporary directory, removed on stop. In
// 'filesystem' mode the run is written there and the node's own watcher follows it; in 'uds'
// mode the simulator plays the recorder on the node's recorder sockets and the directory stays
// empty (the node follows it all the same, and finds nothing there).
import type { DataProduct } from '@daqdata/core';
import { startSimulation, type ReplaySource, type SimulationOptions, type SyntheticSource } from './simulation.js';

/** The reference config's simulate_daq_cfg as the node understands it (server: NodeSimulationSettings). */
export interface NodeSimulationSettings {
  mode: 'filesystem' | 'uds';
  /** Modules simulated when InitHpIo names none; empty: the simulator's default set. */
  moduleIds: readonly number[];
  movieType: 'img8' | 'img16' | null;
  phType: 'ph256' | 'ph1024' | null;
  /** PFF files replayed instead of the bundled archive, optionally only one module's frames. */
  sourceData: { realModuleId: number | null; moviePffPath: string | null; phPffPath: string | null } | null;
  framesPerFile: number | null;
  frameLimit: number | null;
}

/** The node's recorder sockets (server config recorderSockets), which 'uds' mode writes to. */
export interface NodeRecorderSockets {
  dataProducts: readonly string[];
  socketPathTemplate: string;
}

export interface NodeSimulatorStart {
  /** Modules to simulate; empty means the settings' modules, else the defaults' set. */
  moduleIds: readonly number[];
  updateIntervalSeconds?: number;
  /** null or omitted: the defaults given to createNodeSimulator, unchanged. */
  settings?: NodeSimulationSettings | null;
  recorderSockets?: NodeRecorderSockets | null;
}

export interface NodeSimulation {
  dataDir: string;
  stop(): Promise<void>;
}

export interface NodeSimulator {
  start(opts: NodeSimulatorStart): Promise<NodeSimulation>;
}

/** The data products the settings ask for; at least one. */
export function settingsProducts(settings: Pick<NodeSimulationSettings, 'movieType' | 'phType'>): DataProduct[] {
  const products = [settings.movieType, settings.phType].filter((p): p is NonNullable<typeof p> => p !== null);
  if (products.length === 0) throw new Error('simulation: movieType and phType are both null: no data product to simulate');
  return products;
}

/**
 * The simulation a start asks for: the defaults' source narrowed to the modules (InitHpIo's,
 * else the settings') and, with settings, to their products, source files and file strategy.
 */
export function nodeSimulationOptions(defaults: Omit<SimulationOptions, 'dataDir'>, start: NodeSimulatorStart): Omit<SimulationOptions, 'dataDir'> {
  const { settings, recorderSockets } = start;
  const source = defaults.source ?? { kind: 'replay' as const };
  const wanted = start.moduleIds.length > 0 ? start.moduleIds : (settings?.moduleIds ?? []);
  const modules = wanted.length > 0 ? { modules: [...wanted] } : {};
  if (!settings) {
    // Requested module ids replace the source's own module choice (a replay's map included).
    return { ...defaults, source: source.kind === 'replay' && wanted.length > 0 ? { ...source, moduleMap: undefined, ...modules } : { ...source, ...modules } };
  }
  const dataProducts = settingsProducts(settings);
  let chosen: ReplaySource | SyntheticSource;
  if (settings.sourceData) {
    const files = [settings.sourceData.moviePffPath, settings.sourceData.phPffPath].filter((p): p is string => p !== null);
    if (files.length === 0) throw new Error('simulation: sourceData names neither moviePffPath nor phPffPath');
    const only = settings.sourceData.realModuleId;
    chosen = { kind: 'replay', archive: files, loop: true, dataProducts, ...modules, ...(only !== null ? { archiveModule: only } : {}) };
  } else if (source.kind === 'synthetic') {
    chosen = { ...source, dataProducts, ...modules };
  } else {
    chosen = { ...source, moduleMap: undefined, dataProducts, ...modules };
  }
  let sockets: SimulationOptions['recorderSockets'];
  if (settings.mode === 'uds') {
    if (!recorderSockets) {
      throw new Error('simulation mode "uds" plays the recorder on this node\'s recorder sockets, but none are configured: set recorderSockets (or --recorder-socket), or use mode "filesystem"');
    }
    const absent = dataProducts.filter((dp) => !recorderSockets.dataProducts.includes(dp));
    if (absent.length > 0) {
      throw new Error(`simulation mode "uds": this node has no recorder socket for ${absent.join(', ')} (recorderSockets.dataProducts: ${recorderSockets.dataProducts.join(', ')})`);
    }
    sockets = { socketPathTemplate: recorderSockets.socketPathTemplate };
  }
  return {
    ...defaults,
    source: chosen,
    ...(settings.framesPerFile != null ? { framesPerFile: settings.framesPerFile } : {}),
    ...(settings.frameLimit != null ? { frameLimit: settings.frameLimit } : {}),
    ...(sockets ? { recorderSockets: sockets } : {}),
  };
}

/** Defaults: replay the bundled archive at speed 1, looping, into a private temporary directory. */
export function createNodeSimulator(defaults: Omit<SimulationOptions, 'dataDir'> = {}): NodeSimulator {
  return {
    async start(opts) {
      const sim = await startSimulation(nodeSimulationOptions(defaults, opts));
      return { dataDir: sim.dataDir, stop: () => sim.stop() };
    },
  };
}
