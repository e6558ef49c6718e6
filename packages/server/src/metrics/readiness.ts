// /readyz's answer: a node is ready when it listens and has something to serve — a data
// directory it follows (InitHpIo, --data-dir, or the simulator's directory) or recorder
// sockets. Pure, so every case is a unit test.

export interface ReadinessInputs {
  /** The gRPC listener is up and the node is not shutting down. */
  listening: boolean;
  closing: boolean;
  /** The data directory followed (a simulation's included), or null. */
  dataDir: string | null;
  /** Recorder sockets listening, if any. */
  recorderSocketPaths: readonly string[];
}

export type Readiness = { ready: true; detail: string } | { ready: false; reason: string };

export function readiness(r: ReadinessInputs): Readiness {
  if (r.closing) return { ready: false, reason: 'the node is shutting down' };
  if (!r.listening) return { ready: false, reason: 'the gRPC listener is not up yet' };
  const sources = [];
  if (r.dataDir !== null) sources.push(`following ${r.dataDir}`);
  if (r.recorderSocketPaths.length > 0) sources.push(`recorder sockets ${r.recorderSocketPaths.join(', ')}`);
  if (sources.length === 0) return { ready: false, reason: 'listening, but following no data directory and no recorder socket (call InitHpIo, or start with --data-dir or --recorder-socket)' };
  return { ready: true, detail: sources.join('; ') };
}
