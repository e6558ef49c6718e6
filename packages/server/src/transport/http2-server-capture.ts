// The HTTP/2 servers grpc-js creates for our listeners. grpc-js offers no handshake (preface)
// timeout and keeps its http2 server private, but Node announces every listen() on the
// diagnostics channel `net.server.listen` (Node >= 20.19): whatever HTTP/2 server starts
// listening while our listen() runs, and ends up bound to the address we asked for, is ours.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Server as NetServer } from 'node:net';

const LISTEN_CHANNEL = 'tracing:net.server.listen:asyncStart';

const isHttp2Server = (server: NetServer): boolean => /^Http2(Secure)?Server$/.test(server.constructor.name);

/** Whether `server` is bound to `port` (TCP) or `path` (Unix socket). */
function boundTo(server: NetServer, target: { port: number } | { path: string }): boolean {
  const address = server.address();
  if (address === null) return false;
  if (typeof address === 'string') return 'path' in target && address === target.path;
  return 'port' in target && address.port === target.port;
}

/**
 * Runs `listen` and returns its port with the HTTP/2 servers it started. `target` says which
 * bound address is ours (a hostname may bind several servers; other code in the process may
 * listen at the same time and is left alone).
 */
export async function listenCapturingHttp2Servers(
  listen: () => Promise<number>,
  target: (port: number) => { port: number } | { path: string },
): Promise<{ port: number; servers: NetServer[] }> {
  const started: NetServer[] = [];
  const onListen = (message: unknown) => {
    const server = (message as { server?: NetServer }).server;
    if (server && isHttp2Server(server)) started.push(server);
  };
  subscribe(LISTEN_CHANNEL, onListen);
  try {
    const port = await listen();
    return { port, servers: started.filter((s) => boundTo(s, target(port))) };
  } finally {
    unsubscribe(LISTEN_CHANNEL, onListen);
  }
}
