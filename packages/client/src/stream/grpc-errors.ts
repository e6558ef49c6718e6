// Which failures a stream retries. A node that is down, restarting or reconfigured (InitHpIo
// with force cancels streams) comes back; a request the node rejects will be rejected again.
import { ClientError, Status } from 'nice-grpc';

const PERMANENT = new Set<Status>([
  Status.INVALID_ARGUMENT,
  Status.UNIMPLEMENTED,
  Status.PERMISSION_DENIED,
  Status.UNAUTHENTICATED,
  Status.FAILED_PRECONDITION,
  Status.OUT_OF_RANGE,
]);

export function isRetryable(err: unknown): boolean {
  return !(err instanceof ClientError && PERMANENT.has(err.code));
}

export function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** A short human reason: 'UNAVAILABLE: No connection established'. */
export function describeError(err: unknown): string {
  // grpc-js appends an empty "Resolution note: " to connection failures; it says nothing.
  if (err instanceof ClientError) return `${Status[err.code]}: ${err.details.replace(/[.,;]?\s*Resolution note:\s*$/, '')}`;
  return err instanceof Error ? err.message : String(err);
}
