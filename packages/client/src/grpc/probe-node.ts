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
  /**
   * Round trip of a Ping on the open connection. The first Ping of a new connection also pays
   * for TCP, HTTP/2 and grpc-js channel set-up (tens of ms on a loaded host), which is not the
   * node's latency: when that one answered, a second Ping is timed. On failure: time to the failure.
   */
  latencyMs: number;
  /** Time of the first Ping, connection set-up included (equal to latencyMs on a reused connection's failure). */
  firstPingMs: number;
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
    const firstPingMs = performance.now() - started;
    const again = performance.now();
    await conn.daq.ping({}, { signal: deadline });
    return { host, ok: true, latencyMs: performance.now() - again, firstPingMs };
  } catch (err) {
    const elapsed = performance.now() - started;
    return { host, ok: false, latencyMs: elapsed, firstPingMs: elapsed, reason: pingFailureReason(err, deadline, timeoutMs) };
  }
}
