// Bearer-token check for the methods that change the node (InitHpIo, UploadImages). Reads
// (StreamImages, Ping, reflection, health) stay open, as with the reference service.
// Anything but exactly one well-formed `authorization: Bearer <token>` header is
// UNAUTHENTICATED (two headers used to reach the handler as one joined value and end
// INTERNAL); every refusal is logged, aggregated per client host, never with the token.
import { timingSafeEqual, createHash } from 'node:crypto';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';
import type { RepeatedLines } from '../log/logger.js';
import { peerHost } from '../transport/stream-start-limit.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of the presented and configured tokens. */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Why the `authorization` values of a call do not carry one usable bearer token, or the token. */
export function bearerToken(values: readonly unknown[]): { token: string } | { problem: string } {
  if (values.length === 0) return { problem: 'needs "authorization: Bearer <token>" metadata' };
  if (values.length > 1) return { problem: `has ${values.length} authorization headers; send exactly one` };
  const value = values[0];
  if (typeof value !== 'string') return { problem: 'authorization must be text, not binary' };
  // Repeated headers reach us joined with ", " (gRPC metadata semantics).
  if (value.includes(',')) return { problem: 'has several authorization values; send exactly one' };
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
  if (!m) return { problem: 'authorization must be "Bearer <token>"' };
  return { token: m[1]! };
}

export function tokenAuthMiddleware(token: string, protectedPaths: ReadonlySet<string>, repeated: RepeatedLines): ServerMiddleware {
  return async function* tokenAuth(call, context) {
    if (protectedPaths.has(call.method.path)) {
      const presented = bearerToken(context.metadata.getAll('authorization'));
      const refusal = 'problem' in presented ? `${call.method.path} ${presented.problem}` : tokenMatches(presented.token, token) ? null : 'the bearer token is not valid for this node';
      if (refusal !== null) {
        repeated.log('warn', 'call refused: unauthenticated', peerHost(context.peer), { peer: context.peer, method: call.method.path, reason: refusal });
        throw new ServerError(Status.UNAUTHENTICATED, refusal);
      }
    }
    return yield* call.next(call.request, context);
  };
}
