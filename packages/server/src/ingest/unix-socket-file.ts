// Claiming a path for a Unix socket listener: a socket file left by a crashed run (nobody
// answers on it) is removed; a socket that someone answers on, or anything that is not a
// socket, is refused with an error naming the path, so a node never steals a live listener's
// address or deletes a user's file.
import { rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';

/** Removes a stale socket file at `path`; throws naming `what` and the path otherwise. Returns whether one was removed. */
export async function clearStaleSocket(path: string, what: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return false;
  if (!info.isSocket()) throw new Error(`${what} ${path} exists and is not a socket (remove it or choose another path)`);
  const live = await new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
  if (live) throw new Error(`${what} ${path} is in use by another running server`);
  await rm(path, { force: true });
  return true;
}
