// The simulator a DAQ node plugs in for InitHpIo(simulate_daq): each start replays (or
// generates) into a fresh private temporary run directory that the node's own watcher then
// follows, and stop removes it. Structurally the server's DaqSimulator interface; defined
// here because the server depends on this package, not the other way round.
import { startSimulation, type SimulationOptions } from './simulation.js';

export interface NodeSimulatorStart {
  /** Modules to simulate; empty means the defaults' set. */
  moduleIds: readonly number[];
  updateIntervalSeconds?: number;
}

export interface NodeSimulation {
  dataDir: string;
  stop(): Promise<void>;
}

export interface NodeSimulator {
  start(opts: NodeSimulatorStart): Promise<NodeSimulation>;
}

/** Defaults: replay the bundled archive at speed 1, looping, into a private temporary directory. */
export function createNodeSimulator(defaults: Omit<SimulationOptions, 'dataDir'> = {}): NodeSimulator {
  return {
    async start({ moduleIds }) {
      const source = defaults.source ?? { kind: 'replay' as const };
      const modules = moduleIds.length > 0 ? { modules: [...moduleIds] } : {};
      // Requested module ids replace the source's own module choice (a replay's map included).
      const chosen = source.kind === 'replay' && moduleIds.length > 0 ? { ...source, moduleMap: undefined, ...modules } : { ...source, ...modules };
      const sim = await startSimulation({ ...defaults, source: chosen });
      return { dataDir: sim.dataDir, stop: () => sim.stop() };
    },
  };
}
