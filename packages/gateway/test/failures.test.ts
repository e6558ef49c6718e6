// What goes wrong around a gateway, with real parts: NATS missing or without JetStream at start,
// a limit NATS refuses, NATS restarted mid-run, a node killed and restarted, the publishing
// gateway replaced while a consumer resumes the events stream from a sequence.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaqClient, type StreamEvent } from '@daqdata/client';
import { silentLogger } from '@daqdata/server';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/gateway.js';
import { EVENTS_STREAM } from '../src/jetstream-streams.js';
import { natsDaqClient, type NatsDaqClient } from '../src/nats-daq-client.js';
import { freePort } from '../src/nats-server-process.js';
import { startSimNode, type SimNode } from './helpers/sim-node.js';
import { startTestNats, type TestNats } from './helpers/nats.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function later<T extends { close?: () => Promise<unknown>; stop?: () => Promise<unknown>; dispose?: () => Promise<unknown> }>(x: T): T {
  cleanups.push(() => (x.dispose ?? x.close ?? x.stop)!.call(x));
  return x;
}

/** Resolves with the first event matching `predicate` (status events are pushed, never polled). */
function nextEvent(on: (l: (e: StreamEvent) => void) => () => void, predicate: (e: StreamEvent) => boolean): Promise<StreamEvent> {
  return new Promise((resolve) => {
    const off = on((e) => {
      if (predicate(e)) {
        off();
        resolve(e);
      }
    });
  });
}

describe('NATS at start', () => {
  it('nothing listening: a clear error naming the URL, for the gateway and for a NATS viewer', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    await expect(startGateway({ natsUrl: url, port: 0, log: silentLogger })).rejects.toThrow(`cannot connect to NATS at ${url}`);
    await expect(natsDaqClient(url)).rejects.toThrow(`cannot connect to NATS at ${url}`);
  });

  it('a server without JetStream: says so and how to start it', async () => {
    const nats = later(await startTestNats({ jetStream: false }));
    await expect(startGateway({ natsUrl: nats.url, port: 0, log: silentLogger })).rejects.toThrow(/has no JetStream \(start it with -js\)/);
  });

  it('limits out of bounds are refused naming the bound; a limit the server refuses names the stream', async () => {
    const nats = later(await startTestNats());
    await expect(startGateway({ natsUrl: nats.url, port: 0, log: silentLogger, eventRetention: { maxAgeSeconds: 0, maxBytes: 1024 } })).rejects.toThrow(/max age 0 s is outside/);
    // More bytes than this machine's disk: the server refuses the stream's max_bytes.
    await expect(startGateway({ natsUrl: nats.url, port: 0, log: silentLogger, eventRetention: { maxAgeSeconds: 60, maxBytes: 1024 ** 4 } })).rejects.toThrow(
      /NATS refused JetStream stream DAQDATA_EVENTS \(.*max_bytes=1099511627776\)/,
    );
    // Started twice with the same limits: the second start updates nothing and succeeds.
    later(await startGateway({ natsUrl: nats.url, log: silentLogger }));
    later(await startGateway({ natsUrl: nats.url, log: silentLogger }));
  });
});

describe('mid-run', () => {
  it('NATS restarted: the gateway and a NATS viewer reconnect, images flow again, the gateway still answers', async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'daq-nats-'));
    cleanups.push(() => rm(storeDir, { recursive: true, force: true }));
    const port = await freePort();
    let nats = await startTestNats({ port, storeDir });
    cleanups.push(() => nats.stop());
    const node = later(await startSimNode({ name: 'node-1', modules: [1] }));
    // No reconnect buffer: what the node sends while NATS is away is dropped and counted.
    const gateway = later(await startGateway({ natsUrl: nats.url, nodes: { addresses: [node.address] }, port: 0, log: silentLogger, awayBufferBytes: 0 }));
    const viewer = later(await natsDaqClient(nats.url));
    const viewed: number[] = [];
    const signal = AbortSignal.timeout(25_000);
    let wake = () => undefined as void;
    void (async () => {
      for await (const image of viewer.streamImages({ signal })) {
        viewed.push(image.frameNumber);
        wake();
      }
    })();
    const count = (n: number) => new Promise<void>((resolve) => (wake = () => viewed.length >= n && resolve())).then(() => undefined);
    await count(3);
    const lost = nextEvent((l) => viewer.onStatus(l), (e) => e.type === 'disconnected');
    await nats.stop();
    await lost;
    const back = nextEvent((l) => viewer.onStatus(l), (e) => e.type === 'connected');
    nats = await startTestNats({ port, storeDir });
    await back;
    const before = viewed.length;
    await count(before + 5);
    expect(viewed.length).toBeGreaterThanOrEqual(before + 5);
    // The node went on sending while the gateway had no NATS (it reconnects 250 ms apart at
    // the soonest): with no buffer budget those images were dropped and counted, not held.
    expect(gateway.publisher!.counts.droppedWhileAway).toBeGreaterThan(0);
    const client = DaqClient.fromAddresses([gateway.server!.address]);
    cleanups.push(() => client.close());
    expect(await client.ping(gateway.server!.address)).toBe(true);
  });

  it('a node killed and restarted: the gateway reconnects and viewers get the new run', async () => {
    const nats = later(await startTestNats());
    let node = await startSimNode({ name: 'node-1', modules: [1] });
    const port = node.port;
    cleanups.push(() => node.stop());
    const gateway = later(await startGateway({ natsUrl: nats.url, nodes: { addresses: [node.address] }, port: 0, log: silentLogger }));
    const viewer = later(await natsDaqClient(nats.url, { nodes: [node.address] }));
    const files = new Set<string>();
    let onImage = (_file: string) => undefined as void;
    void (async () => {
      for await (const image of viewer.streamImages({ signal: AbortSignal.timeout(25_000) })) {
        files.add(image.file);
        onImage(image.file);
      }
    })();
    await new Promise<void>((resolve) => (onImage = () => resolve()));
    const oldFiles = new Set(files);
    const reconnected = nextEvent((l) => gateway.client!.onStatus(l), (e) => e.type === 'connected');
    await node.kill();
    node = await startSimNode({ name: 'node-1', modules: [1], port });
    await reconnected;
    // An image from a file the old run never wrote: the new run reached the viewer through the gateway.
    const fresh = await new Promise<string>((resolve) => (onImage = (file) => !oldFiles.has(file) && resolve(file)));
    expect(oldFiles.has(fresh)).toBe(false);
    expect(gateway.client!.hostStates()[node.address]).toBe('connected');
  });

  it('the publishing gateway killed and replaced: an events consumer resumes from its sequence with no gap', async () => {
    const nats = later(await startTestNats());
    const node = later(await startSimNode({ name: 'node-1', modules: [1, 2] }));
    let gateway: RunningGateway = await startGateway({ natsUrl: nats.url, nodes: { addresses: [node.address] }, log: silentLogger });
    cleanups.push(() => gateway.close());
    const observer = later(await natsDaqClient(nats.url));
    const jsm = await jetstreamManager(observer.nc);
    let viewer: NatsDaqClient = await natsDaqClient(nats.url);
    let last = 0;
    for await (const image of viewer.streamImages({ movie: false, eventsFromSequence: 1 })) {
      last = image.nats.sequence;
      if (last >= 10) break;
    }
    await viewer.close();
    await gateway.close();
    gateway = await startGateway({ natsUrl: nats.url, nodes: { addresses: [node.address] }, log: silentLogger });
    // The new gateway publishes more events while the consumer is away.
    const target = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq + 10;
    viewer = later(await natsDaqClient(nats.url));
    const sequences: number[] = [];
    for await (const image of viewer.streamImages({ movie: false, eventsFromSequence: last + 1 })) {
      sequences.push(image.nats.sequence);
      if (image.nats.sequence >= target) break;
    }
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => last + 1 + i));
    expect(sequences.at(-1)).toBe(target);
  });
});
