// The feed for a browser that does not read: over a real ws socket whose client is paused, the
// server never holds more than one image per tile, the socket's buffer never grows past the
// bound by more than one message, every image offered is sent, skipped or pending; once the
// browser reads again, it receives the newest image of every tile.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { BrowserFeed } from '../src/server/browser-feed.js';
import { decodeTileImage, encodeTileImage } from '../src/shared/image-message.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function image(moduleId: number, frameNumber: number, pixels: number) {
  return encodeTileImage({
    kind: 'movie', dataProduct: 'img16', host: 'h', moduleId, file: 'f', frameNumber, rows: Math.ceil(pixels / 1024), cols: Math.min(pixels, 1024),
    quabo: null, pixels: new Uint16Array(pixels).fill(frameNumber & 0xffff), wrUnixNs: null, wrSynchronised: false, iso: null, nodeSentMs: null,
  });
}

async function connectedPair(): Promise<{ server: WebSocket; client: WebSocket }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => new Promise((r) => wss.close(r)));
  await new Promise((r) => wss.once('listening', r));
  const serverSide = new Promise<WebSocket>((r) => wss.once('connection', r));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  cleanup.push(() => client.terminate());
  await new Promise((r) => client.once('open', r));
  return { server: await serverSide, client };
}

describe('BrowserFeed', () => {
  it('a browser that does not read: at most one image per tile waits, the buffer stays bounded, the newest of each tile arrives after', async () => {
    const { server, client } = await connectedPair();
    const received = new Map<number, number>();
    let last = new Map<number, number>();
    const arrived = () => [...last].every(([m, f]) => received.get(m) === f);
    let onMessage = () => {};
    client.on('message', (data) => {
      const img = decodeTileImage(new Uint8Array(data as Buffer));
      received.set(img.moduleId, img.frameNumber);
      onMessage();
    });
    client.pause();

    const MAX_BUFFERED = 256 * 1024;
    const feed = new BrowserFeed(server, { maxBufferedBytes: MAX_BUFFERED, intervalMs: 0, moduleIds: null });
    const TILES = 3;
    const PIXELS = 32 * 1024; // 64 KiB a message
    let offered = 0;
    let maxBuffered = 0;
    for (let frame = 0; frame < 400; frame++) {
      for (let m = 0; m < TILES; m++) {
        feed.offer(m, 'movie', image(m, frame, PIXELS));
        offered++;
        expect(feed.pending).toBeLessThanOrEqual(TILES);
        expect(feed.sent + feed.skipped + feed.pending).toBe(offered);
        maxBuffered = Math.max(maxBuffered, server.bufferedAmount);
      }
    }
    last = new Map(Array.from({ length: TILES }, (_, m) => [m, 399]));
    expect(feed.skipped).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED + 2 * PIXELS + 64);

    const done = new Promise<void>((resolve) => (onMessage = () => arrived() && resolve()));
    client.resume();
    await done;
    expect(Object.fromEntries(received)).toEqual(Object.fromEntries(last));
    feed.close();
  });

  it('sends only the modules asked for, and at most one image per tile per interval', async () => {
    const { server, client } = await connectedPair();
    const got: Array<{ module: number; frame: number; at: number }> = [];
    let onMessage = () => {};
    client.on('message', (data) => {
      const img = decodeTileImage(new Uint8Array(data as Buffer));
      got.push({ module: img.moduleId, frame: img.frameNumber, at: clock });
      onMessage();
    });
    let clock = 1000;
    const feed = new BrowserFeed(server, { maxBufferedBytes: 1 << 20, intervalMs: 100, moduleIds: new Set([2]), now: () => clock });
    for (let f = 0; f < 5; f++) {
      feed.offer(1, 'movie', image(1, f, 4));
      feed.offer(2, 'movie', image(2, f, 4));
    }
    // Module 2: frame 0 at once; frames 1-3 replaced; frame 4 waits for the interval.
    expect({ sent: feed.sent, skipped: feed.skipped, pending: feed.pending }).toEqual({ sent: 1, skipped: 3, pending: 1 });
    clock = 1100;
    const two = new Promise<void>((resolve) => (onMessage = () => got.length === 2 && resolve()));
    await two;
    expect(got.map((g) => [g.module, g.frame])).toEqual([[2, 0], [2, 4]]);
    feed.close();
  });
});

describe('BrowserFeed flow control', () => {
  it('at most maxUnacked images in flight until the page acks; acks beyond what was sent count as all sent', async () => {
    const { server, client } = await connectedPair();
    const got: number[] = [];
    let onMessage = () => {};
    client.on('message', (data) => {
      got.push(decodeTileImage(new Uint8Array(data as Buffer)).moduleId);
      onMessage();
    });
    const feed = new BrowserFeed(server, { maxBufferedBytes: 1 << 20, maxUnacked: 2, intervalMs: 0, moduleIds: null });
    for (let m = 0; m < 5; m++) feed.offer(m, 'movie', image(m, 0, 4));
    expect({ sent: feed.sent, pending: feed.pending }).toEqual({ sent: 2, pending: 3 });
    feed.ack(1);
    expect({ sent: feed.sent, pending: feed.pending }).toEqual({ sent: 3, pending: 2 });
    feed.ack(1000);
    expect({ sent: feed.sent, acked: feed.acked, pending: feed.pending }).toEqual({ sent: 5, acked: 3, pending: 0 });
    await new Promise<void>((resolve) => (onMessage = () => got.length === 5 && resolve()));
    expect(got).toEqual([0, 1, 2, 3, 4]);
    feed.close();
  });
});
