// Every pulse-height event a node publishes reaches NATS, exactly once: a real node process
// following a ph256 file written in random chunks, the gateway's every-frame stream, Debian's
// nats-server with JetStream in a temporary store; what is stored is compared with what the
// node serves to a direct every-frame reader.
import { DaqClient, sequenceOf, type RawImageMessage } from '@daqdata/client';
import { PanoImage } from '@daqdata/core';
import { silentLogger } from '@daqdata/server';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { followedNode, serving, write } from '../../client/test/helpers/followed-node.js';
import { startGateway } from '../src/gateway.js';
import { EVENTS_STREAM } from '../src/jetstream-streams.js';
import { nodeToken } from '../src/subjects.js';
import { randomChunks, readEvents } from './helpers/events-reader.js';
import { startTestNats } from './helpers/nats.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The first `n` images a node serves on a direct every-frame stream (raw: the node's PanoImage and its sequence). */
async function servedDirectly(stream: AsyncGenerator<RawImageMessage>, n: number): Promise<RawImageMessage[]> {
  const served: RawImageMessage[] = [];
  for await (const r of stream) if (served.push(r) === n) break;
  return served;
}

describe('every pulse-height event reaches NATS', () => {
  it('N frames written in random chunks: exactly N messages for the node, in order, node sequences contiguous, payloads the bytes the node serves', async () => {
    const seed = Date.now() % 1_000_000;
    const n = 200 + (seed % 200);
    const nats = await startTestNats();
    cleanups.push(() => nats.dispose());
    const f = await followedNode(1, 'events', cleanups);
    const gateway = await startGateway({ natsUrl: nats.url, nodes: { addresses: [f.node.address] }, log: silentLogger });
    cleanups.push(() => gateway.close());
    const direct = DaqClient.fromAddresses([f.node.address]);
    cleanups.push(() => direct.close());
    const directStream = direct.streamImages({ parse: false, delivery: 'every-frame', movie: false, pulseHeight: true, hosts: [f.node.address] });
    const directImages = servedDirectly(directStream, n);
    const reader = await readEvents(nats.url, f.node.address);
    cleanups.push(() => reader.close());
    // The gateway's two streams (previews, events) and the direct reader: the node holds every frame from now on.
    await serving(f.node, 3);
    for (const chunk of randomChunks(seed, n, 37)) await write(f, chunk);
    await reader.until(`${n} events`, (events) => events.length >= n);
    const served = await directImages;
    // Nothing more is on its way: the gateway published n, and NATS has stored all it was sent.
    expect(gateway.publisher!.counts.published[f.node.address], `seed ${seed}`).toBe(n);
    await gateway.nc.flush();
    const jsm = await jetstreamManager(gateway.nc);
    expect((await jsm.streams.info(EVENTS_STREAM)).state.messages, `seed ${seed}`).toBe(n);

    const events = reader.events;
    expect(events.map((e) => e.frameNumber)).toEqual(Array.from({ length: n }, (_, k) => k));
    expect(events.map((e) => e.nodeSequence - events[0]!.nodeSequence)).toEqual(Array.from({ length: n }, (_, k) => k));
    expect(new Set(events.map((e) => e.incarnation)).size).toBe(1);
    // The node's own numbering and bytes, as a direct every-frame reader gets them.
    expect(events.map((e) => e.nodeSequence)).toEqual(served.map((r) => sequenceOf(r.response)!.sequence));
    expect(events.map((e) => e.incarnation)).toEqual(served.map((r) => sequenceOf(r.response)!.incarnation));
    for (const [k, e] of events.entries()) {
      const bytes = PanoImage.encode(served[k]!.response.panoImage!).finish();
      expect(Buffer.from(e.bytes).equals(Buffer.from(bytes)), `frame ${k}, seed ${seed}`).toBe(true);
    }
  });

  it('two gateways relaying the same node: each event is stored once (the node, incarnation and sequence are its Nats-Msg-Id)', async () => {
    const seed = Date.now() % 1_000_000;
    const n = 100 + (seed % 100);
    const nats = await startTestNats();
    cleanups.push(() => nats.dispose());
    const f = await followedNode(1, 'twice', cleanups);
    for (let i = 0; i < 2; i++) {
      const g = await startGateway({ natsUrl: nats.url, nodes: { addresses: [f.node.address] }, log: silentLogger });
      cleanups.push(() => g.close());
    }
    // A plain NATS subscriber sees every publish, duplicates included (JetStream drops them when storing).
    const watcher = await connect({ servers: nats.url });
    cleanups.push(() => watcher.close());
    const sub = watcher.subscribe(`daqdata.${nodeToken(f.node.address)}.*.ph256`);
    let publishes = 0;
    const bothPublished = (async () => {
      for await (const _ of sub) if (++publishes === 2 * n) return;
    })();
    await watcher.flush();
    const reader = await readEvents(nats.url, f.node.address);
    cleanups.push(() => reader.close());
    await serving(f.node, 4);
    for (const chunk of randomChunks(seed, n, 23)) await write(f, chunk);
    await bothPublished;
    // Acknowledged after the stream took in everything the server received before it.
    await jetstream(watcher).publish('daqdata.marker.1.ph256', new Uint8Array());
    const jsm = await jetstreamManager(watcher);
    expect((await jsm.streams.info(EVENTS_STREAM)).state.messages, `seed ${seed}`).toBe(n + 1);
    await reader.until(`${n} events`, (events) => events.length >= n);
    expect(reader.events.map((e) => e.frameNumber)).toEqual(Array.from({ length: n }, (_, k) => k));
  });
});
