// Whether a node answers a Ping now, how fast, and if not, why. The reason is what actually
// happened: the gRPC status the call ended with ('UNAVAILABLE: No connection established. Last
// error: connect ECONNREFUSED 127.0.0.1:1 ...'), or, when nothing came back in time (a host
// that drops packets, a hung node), 'DEADLINE_EXCEEDED after 2000 ms'.
import { describeError } from '../stream/grpc-errors.js';
import type { NodeConnection } from './node-connection.js';

export interface ProbeResult {
  /** The node's canonical name ('host:port' or 'unix:/path'). */
  host: string;
  ok: boolean;
  /** Time from sending the Ping to its answer (or to the failure). */
  latencyMs: number;
  /** Why the node did not answer: '<gRPC status name>: <details>'. Absent when ok. */
  reason?: string;
}

/**
 * Why a Ping failed: the gRPC status and details, or the deadline when it was ours that ended
 * the call. Our deadline cancels the call on the client side (nice-grpc rethrows the signal's
 * TimeoutError), so grpc-js has no status to report: name the deadline instead.
 */
export function pingFailureReason(err: unknown, deadline: AbortSignal, timeoutMs: number): string {
  return deadline.aborted ? `DEADLINE_EXCEEDED after ${timeoutMs} ms` : describeError(err);
}

export async function probeNode(conn: NodeConnection, timeoutMs: number): Promise<ProbeResult> {
  const host = conn.node.name;
  const deadline = AbortSignal.timeout(timeoutMs);
  const started = performance.now();
  try {
    await conn.daq.ping({}, { signal: deadline });
    return { host, ok: true, latencyMs: performance.now() - started };
  } catch (err) {
    return { host, ok: false, latencyMs: performance.now() - started, reason: pingFailureReason(err, deadline, timeoutMs) };
  }
}
