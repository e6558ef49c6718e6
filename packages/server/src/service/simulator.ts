// The capability InitHpIo(simulate_daq) needs: something that writes simulated frames into a
// run directory this node's own watcher then follows. It is injected (the simulator lives in
// packages/sim), so the server never fakes success when none is plugged in.
export interface SimulatorStartOptions {
  /** Modules to simulate; empty means the simulator's default set. */
  moduleIds: number[];
  updateIntervalSeconds: number;
}

export interface RunningSimulation {
  /** A directory laid out like DATA_DIR (module_N/<run>.pffd/...). */
  dataDir: string;
  stop(): Promise<void>;
}

export interface DaqSimulator {
  start(opts: SimulatorStartOptions): Promise<RunningSimulation>;
}

export const SIMULATOR_MISSING =
  'simulate_daq is not available on this node: no simulator is plugged in (start the server with a simulator, see packages/sim)';
