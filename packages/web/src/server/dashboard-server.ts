// `daq web`'s server: Node's http serves the page (a fixed set of built files, no path taken
// from the request), and a WebSocket (ws) at /ws carries images and node health to each
// browser. One SDK stream over every node feeds them all (fan-in, reconnects); each image is
// encoded once and offered to every browser's latest-wins feed. A Ping per node every second
// (and a read of its /metrics, when it serves them, for its drops) keeps the health board current.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { DaqClient } from '@daqdata/client';
import type { ParsedImage } from '@daqdata/core';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseBrowserMessage, type HealthMessage } from '../shared/control-messages.js';
import { encodeTileImage, type TileImage } from '../shared/image-message.js';
import { BrowserFeed, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_UNACKED } from './browser-feed.js';
import { scrapeDrops } from './node-drops.js';
import { NodeHealthBoard } from './node-health.js';

export interface DashboardOptions {
  client: DaqClient;
  /** Nodes to show (canonical names, as client.hosts gives them). */
  hosts: readonly string[];
  /** Interface to listen on (default 127.0.0.1). */
  listenHost?: string;
  /** Port (0 = any free one). */
  port: number;
  /** The node sends at most one image per module and kind per this many seconds. */
  updateIntervalS: number;
  /** Only these modules (default all). */
  moduleIds?: readonly number[] | undefined;
  /** Ping timeout, ms (also the bound on reading a node's metrics). */
  pingTimeoutMs: number;
  /** The nodes that serve metrics: host -> /metrics URL (metricsUrls() gives it from daq_config); their drops show in the health panel. */
  metricsUrls?: ReadonlyMap<string, string>;
  /** Per-browser send-buffer bound, bytes. */
  maxBufferedBytes?: number;
  /** Called when the image stream stops with an error, or the WebSocket server fails (the page is still served). */
  onError?: (err: unknown) => void;
}

export interface Dashboard {
  readonly url: string;
  /** Browsers connected now. */
  readonly browsers: number;
  close(): Promise<void>;
}

// The built page; the same path from src/server (tests) and dist/server (the CLI).
const PUBLIC = fileURLToPath(new URL('../../dist/public/', import.meta.url));
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
};
const HEALTH_PERIOD_MS = 1000;
/** Browser → server messages are small JSON settings. */
const MAX_BROWSER_MESSAGE_BYTES = 64 * 1024;

/** The wire form of a parsed image. */
export function tileImageOf(img: ParsedImage): TileImage {
  return {
    kind: img.type,
    dataProduct: img.dataProduct,
    host: img.host,
    moduleId: img.moduleId,
    file: img.file,
    frameNumber: img.frameNumber,
    rows: img.shape[0],
    cols: img.shape[1],
    quabo: img.quabo ?? null,
    pixels: img.pixels,
    wrUnixNs: img.time?.wrUnixNs?.toString() ?? null,
    wrSynchronised: img.time?.wrSynchronised ?? false,
    iso: img.time?.iso ?? null,
    nodeSentMs: img.serverTimestamp?.getTime() ?? null,
  };
}

function loadStatic(): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(STATIC_FILES)) files.set(path, { body: readFileSync(PUBLIC + file), type });
  return files;
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const files = loadStatic();
  const controller = new AbortController();
  const health = new NodeHealthBoard(o.hosts, o.metricsUrls);
  const feeds = new Map<WebSocket, BrowserFeed>();
  const maxBuffered = o.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const f = req.method === 'GET' || req.method === 'HEAD' ? files.get(path) : undefined;
    if (!f && path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!f) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-cache' }).end(req.method === 'HEAD' ? undefined : f.body);
  });
  // Listen before anything else starts: a port in use rejects here with nothing to clean up.
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, o.listenHost ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: MAX_BROWSER_MESSAGE_BYTES });
  wss.on('error', (err) => o.onError?.(err));
  wss.on('connection', (ws) => {
    const feed = new BrowserFeed(ws, { maxBufferedBytes: maxBuffered, maxUnacked: DEFAULT_MAX_UNACKED, intervalMs: 0, moduleIds: null });
    feeds.set(ws, feed);
    ws.send(JSON.stringify(healthMessage(feed)));
    ws.on('message', (data, isBinary) => {
      const m = isBinary ? { error: 'message from the page: expected text' } : parseBrowserMessage(data.toString());
      if ('error' in m) ws.send(JSON.stringify({ t: 'error', message: m.error }));
      else if ('ack' in m) feed.ack(m.ack);
      else feed.configure({ intervalMs: m.intervalS * 1000, moduleIds: m.moduleIds ? new Set(m.moduleIds) : null });
    });
    ws.on('close', () => {
      feed.close();
      feeds.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  });

  const healthMessage = (feed: BrowserFeed): HealthMessage => ({ t: 'health', nodes: health.list(), skipped: feed.skipped, sent: feed.sent });
  const unsubscribe = o.client.onStatus((e) => health.onStreamEvent(e));

  const probing = (async () => {
    while (!controller.signal.aborted) {
      const scrapes = [...(o.metricsUrls ?? [])].map(async ([host, url]) =>
        health.onDrops(host, url, await scrapeDrops(url, AbortSignal.any([controller.signal, AbortSignal.timeout(o.pingTimeoutMs)]))),
      );
      for (const r of await Promise.all(o.hosts.map((h) => o.client.probe(h, { timeoutMs: o.pingTimeoutMs })))) health.onProbe(r);
      await Promise.all(scrapes);
      // A browser whose socket is backed up misses a health update rather than queueing it.
      for (const [ws, feed] of feeds) if (ws.bufferedAmount <= maxBuffered) ws.send(JSON.stringify(healthMessage(feed)));
      await sleep(HEALTH_PERIOD_MS, undefined, { signal: controller.signal }).catch(() => undefined);
    }
  })();

  const streaming = (async () => {
    const images = o.client.streamImages({
      hosts: [...o.hosts],
      updateIntervalSeconds: o.updateIntervalS,
      ...(o.moduleIds ? { moduleIds: o.moduleIds } : {}),
      endWhenAllGone: false,
      // A live view wants a restarted node back within seconds, not after a 10 s back-off.
      reconnect: { maxDelayMs: 2000 },
      signal: controller.signal,
    });
    for await (const img of images) {
      if (feeds.size === 0) continue;
      const message = encodeTileImage(tileImageOf(img));
      for (const feed of feeds.values()) feed.offer(img.moduleId, img.type, message);
    }
  })().catch((err: unknown) => {
    if (!controller.signal.aborted) o.onError?.(err);
  });

  const addr = http.address() as AddressInfo;
  const hostText = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${hostText}:${addr.port}/`,
    get browsers() {
      return feeds.size;
    },
    async close() {
      controller.abort();
      unsubscribe();
      for (const [ws, feed] of feeds) {
        feed.close();
        ws.terminate();
      }
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await Promise.all([probing, streaming]);
    },
  };
}
