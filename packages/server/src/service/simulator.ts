// The capability InitHpIo(simulate_daq) needs: something that writes simulated frames into a
// run directory this node's own watcher then follows, or plays the recorder on this node's
// recorder sockets. It is injected (the simulator lives in packages/sim), so the server never
// fakes success when none is plugged in.
import type { RecorderSocketsConfig } from '../config/server-config.js';

export interface SimulatorStartOptions {
  /** Modules to simulate; empty means the simulation settings' modules, else the simulator's default set. */
  moduleIds: number[];
  updateIntervalSeconds: number;
  /** The node's simulation settings (the reference config's simulate_daq_cfg); null = the simulator's defaults. */
  settings: NodeSimulationSettings | null;
  /** The node's recorder sockets, which the 'uds' mode writes to; null = none configured (the mode is refused). */
  recorderSockets: RecorderSocketsConfig | null;
}

/**
 * How this node simulates a recorder for InitHpIo(simulate_daq): the reference config's
 * `simulate_daq_cfg` (REFERENCE section 6) as this node understands it, and our own config's
 * `simulation` key. One type so the config schema, the server and packages/sim agree.
 */
export interface NodeSimulationSettings {
  /**
   * `simulation_mode`: 'filesystem' writes run directories the node's watcher follows (the
   * reference's filesystem_poll and filesystem_pipe); 'uds' plays the recorder on this node's
   * own recorder sockets (`recorderSockets` must be configured).
   */
  mode: 'filesystem' | 'uds';
  /** `sim_module_ids`: modules simulated when InitHpIo names none. */
  moduleIds: number[];
  /** `movie_type`: the movie product simulated, or null for none. */
  movieType: 'img8' | 'img16' | null;
  /** `ph_type`: the pulse-height product simulated, or null for none. */
  phType: 'ph256' | 'ph1024' | null;
  /** `source_data`: PFF files replayed instead of the bundled archive (null: bundled archive). */
  sourceData: { realModuleId: number | null; moviePffPath: string | null; phPffPath: string | null } | null;
  /** `strategies[mode].frames_per_pff`: frames per file before the next seqno file (null: size-based). */
  framesPerFile: number | null;
  /** `strategies[mode].frame_limit`: stop after this many frames per module and product (null: no limit). */
  frameLimit: number | null;
}

export interface RunningSimulation {
  /** A directory laid out like DATA_DIR (module_N/<run>.pffd/...); empty in 'uds' mode. */
  dataDir: string;
  stop(): Promise<void>;
}

export interface DaqSimulator {
  start(opts: SimulatorStartOptions): Promise<RunningSimulation>;
}

export const SIMULATOR_MISSING =
  'simulate_daq is not available on this node: no simulator is plugged in (start the server with a simulator, see packages/sim)';
