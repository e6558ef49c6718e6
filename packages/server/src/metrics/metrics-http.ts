// The node's HTTP side: GET /metrics (Prometheus text format), /healthz (the process answers)
// and /readyz (200 or 503 with the reason). Nothing else: any other path is 404, any other
// method 405, a request body is never read (the connection is closed after such an answer).
// Bounds: request headers must arrive within HEADERS_TIMEOUT_MS and fit in MAX_HEADER_BYTES,
// at most MAX_CONNECTIONS connections at once, idle keep-alive connections close after
// KEEP_ALIVE_MS (Node answers 431 and 408 and closes). A failing collector gives a 500 and a log line; the node goes on.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/logger.js';
import type { Readiness } from './readiness.js';

const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_MS = 5_000;
const MAX_HEADER_BYTES = 8 * 1024;
const MAX_CONNECTIONS = 64;
/** How often Node checks the header and request timeouts (its default, 30 s, would let a slow client hold a connection that long). */
const TIMEOUT_CHECK_MS = 1_000;

export interface MetricsHttpOptions {
  host: string;
  port: number;
  registry: Registry;
  readiness(): Readiness;
  log: Logger;
}

export interface MetricsHttp {
  /** e.g. http://127.0.0.1:9464 (IPv6 hosts in brackets). */
  url: string;
  port: number;
  close(): Promise<void>;
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

export async function startMetricsHttp(opts: MetricsHttpOptions): Promise<MetricsHttp> {
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics' && path !== '/healthz' && path !== '/readyz') return reply(res, 404, 'not found: this port serves GET /metrics, /healthz and /readyz\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // The body, if any, is not read: close rather than leave it in the connection.
      return reply(res, 405, `method ${req.method} not allowed: GET only\n`, { allow: 'GET, HEAD', connection: 'close' });
    }
    if (path === '/healthz') return reply(res, 200, 'ok\n');
    if (path === '/readyz') {
      const r = opts.readiness();
      return r.ready ? reply(res, 200, `ready: ${r.detail}\n`) : reply(res, 503, `not ready: ${r.reason}\n`);
    }
    opts.registry.metrics().then(
      (text) => reply(res, 200, text, { 'content-type': opts.registry.contentType }),
      (err: Error) => {
        opts.log.warn('metrics collection failed', { error: err.message });
        reply(res, 500, `metrics collection failed: ${err.message}\n`);
      },
    );
  };
  const server: Server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: KEEP_ALIVE_MS, connectionsCheckingInterval: TIMEOUT_CHECK_MS }, handle);
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
