// Bearer-token check for the methods that change the node (InitHpIo, UploadImages). Reads
// (StreamImages, Ping, reflection, health) stay open, as with the reference service.
import { timingSafeEqual, createHash } from 'node:crypto';
import { ServerError, Status, type ServerMiddleware } from 'nice-grpc';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of the presented and configured tokens. */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export function tokenAuthMiddleware(token: string, protectedPaths: ReadonlySet<string>): ServerMiddleware {
  return async function* tokenAuth(call, context) {
    if (protectedPaths.has(call.method.path)) {
      const header = context.metadata.get('authorization') ?? '';
      const m = /^Bearer\s+(.+)$/i.exec(header);
      if (!m) throw new ServerError(Status.UNAUTHENTICATED, `${call.method.path} needs "authorization: Bearer <token>" metadata`);
      if (!tokenMatches(m[1]!.trim(), token)) throw new ServerError(Status.UNAUTHENTICATED, 'the bearer token is not valid for this node');
    }
    return yield* call.next(call.request, context);
  };
}
