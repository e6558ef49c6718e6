// Nodes -> gateway -> NATS JetStream -> gateway -> viewers, all real: three simulated DAQ node
// processes, Debian's nats-server with JetStream in a temporary store, gateways over real gRPC.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DaqClient, type RawImageMessage } from '@daqdata/client';
import { PanoImage } from '@daqdata/core';
import { silentLogger } from '@daqdata/server';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/gateway.js';
import { EVENTS_STREAM, PREVIEWS_STREAM } from '../src/jetstream-streams.js';
import { natsDaqClient } from '../src/nats-daq-client.js';
import { startSimNode, type SimNode } from './helpers/sim-node.js';
import { startTestNats, type TestNats } from './helpers/nats.js';

const MODULES: readonly (readonly number[])[] = [[1, 2], [3, 4], [5, 6]];
/** Every module of every node, in both image types. */
const EVERY_SLOT = MODULES.flat().flatMap((m) => [`${m}:MOVIE`, `${m}:PULSE_HEIGHT`]);
const NODE_OF_MODULE = new Map(MODULES.flatMap((ms, i) => ms.map((m) => [m, `node-${i + 1}`] as const)));

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const protoDir = resolve(here, '../../../proto');

const slot = (r: RawImageMessage) => `${r.response.panoImage!.moduleId}:${r.response.panoImage!.type === 2 ? 'MOVIE' : 'PULSE_HEIGHT'}`;

/** Reads a raw stream until every slot has been seen; returns the first response per slot. */
async function firstOfEverySlot(address: string, updateIntervalSeconds: number): Promise<Map<string, RawImageMessage>> {
  const client = DaqClient.fromAddresses([address], { reconnect: false });
  const seen = new Map<string, RawImageMessage>();
  try {
    for await (const r of client.streamImages({ parse: false, hosts: [address], updateIntervalSeconds })) {
      if (!seen.has(slot(r))) seen.set(slot(r), r);
      if (EVERY_SLOT.every((s) => seen.has(s))) break;
    }
  } finally {
    await client.close();
  }
  return seen;
}

describe('gateway relay', () => {
  let nats: TestNats;
  const nodes: SimNode[] = [];
  let publishing: RunningGateway;
  let second: RunningGateway;

  beforeAll(async () => {
    nats = await startTestNats();
    for (const [i, modules] of MODULES.entries()) nodes.push(await startSimNode({ name: `node-${i + 1}`, modules }));
    publishing = await startGateway({ natsUrl: nats.url, nodes: { addresses: nodes.map((n) => n.address) }, port: 0, log: silentLogger });
    // A second gateway on the same NATS that only serves (another site's).
    second = await startGateway({ natsUrl: nats.url, port: 0, log: silentLogger });
  });
  afterAll(async () => {
    await second?.close();
    await publishing?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await nats?.dispose();
  });

  it('serves every module of every node, under each node\'s own name, from both gateways', async () => {
    for (const gateway of [publishing, second]) {
      const seen = await firstOfEverySlot(gateway.server!.address, 0.01);
      for (const [key, r] of seen) expect(r.response.name, key).toBe(NODE_OF_MODULE.get(r.response.panoImage!.moduleId));
      expect([...seen.keys()].sort()).toEqual([...EVERY_SLOT].sort());
    }
  });

  it('a Python grpcio client (as reference users have) on each gateway sees every module of every node; InitHpIo and UploadImages name the nodes', async () => {
    const stubs = await mkdtemp(join(tmpdir(), 'daq-py-stubs-'));
    try {
      await run('/usr/bin/python3', ['-m', 'grpc_tools.protoc', `-I${protoDir}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, join(protoDir, 'daq_data.proto')]);
      const expected = EVERY_SLOT.map((s) => [Number(s.split(':')[0]), s.split(':')[1]]);
      for (const gateway of [publishing, second]) {
        const { stdout } = await run('/usr/bin/python3', [join(here, 'fixtures/gateway_viewer.py'), stubs, gateway.server!.address, JSON.stringify(expected)], { timeout: 60_000 });
        const seen = JSON.parse(stdout) as { ping: boolean; no_flags: [string, string]; images: Array<[string, number, string]>; init: [string, string]; upload: [string, string] };
        expect(seen.ping).toBe(true);
        expect(seen.no_flags[0]).toBe('INVALID_ARGUMENT');
        expect(new Set(seen.images.map(([, m, t]) => `${m}:${t}`))).toEqual(new Set(EVERY_SLOT));
        for (const [name, module] of seen.images) expect(name).toBe(NODE_OF_MODULE.get(module));
        for (const refusal of [seen.init, seen.upload]) {
          expect(refusal[0]).toBe('FAILED_PRECONDITION');
          for (const node of nodes) expect(refusal[1]).toContain(node.address);
        }
      }
    } finally {
      await rm(stubs, { recursive: true, force: true });
    }
  });

  it('answers reflection and health like a node', async () => {
    const address = second.server!.address;
    const client = DaqClient.fromAddresses([address]);
    try {
      const [reflection] = await client.reflectServices([address]);
      expect(reflection!.services).toEqual(expect.arrayContaining(['daqdata.DaqData', 'grpc.health.v1.Health']));
      expect(reflection!.daqDataMethods.map((m) => m.name).sort()).toEqual(['GetRoiStatistics', 'InitHpIo', 'Ping', 'StreamImages', 'StreamRoiStats', 'UploadImages']);
    } finally {
      await client.close();
    }
  });

  it('publishes the PanoImage bytes unchanged with the node in the headers, previews kept one per subject', async () => {
    const jsm = await jetstreamManager(publishing.nc);
    const previews = await jsm.streams.info(PREVIEWS_STREAM);
    const events = await jsm.streams.info(EVENTS_STREAM);
    // One newest movie image per module: exactly the six subjects.
    expect(previews.state.num_subjects).toBe(6);
    expect(previews.state.messages).toBe(6);
    expect(events.state.num_subjects).toBe(6);
    const last = await jsm.streams.getMessage(PREVIEWS_STREAM, { last_by_subj: `daqdata.${nodes[0]!.address.replace(/[.:]/g, '_')}.1.img16` });
    expect(last!.header.get('Daq-Node')).toBe(nodes[0]!.address);
    expect(last!.header.get('Daq-Node-Name')).toBe('node-1');
    expect(Number(last!.header.get('Daq-Seq'))).toBeGreaterThan(0);
    expect(Number(last!.header.get('Daq-Node-Sent-Ns'))).toBeGreaterThan(1.7e18);
    const image = PanoImage.decode(last!.data);
    expect(image.moduleId).toBe(1);
    // Re-encoding the decoded message gives the same bytes: the payload is the canonical encoding.
    expect(Buffer.from(PanoImage.encode(image).finish()).equals(Buffer.from(last!.data))).toBe(true);
  });

  it('100 viewers on the gateway: each node serves exactly two streams (movie previews, every pulse-height event)', async () => {
    const client = DaqClient.fromAddresses([publishing.server!.address], { reconnect: false });
    const controller = new AbortController();
    try {
      // 100 streams, each held open after its first image.
      const held = Array.from({ length: 100 }, () => client.streamImages({ hosts: [publishing.server!.address], signal: controller.signal, updateIntervalSeconds: 0.5 }));
      await Promise.all(held.map((s) => s.next()));
      expect(publishing.server!.activeStreamCount).toBe(100);
      for (const node of nodes) expect(await node.activeStreams(), node.name).toBe(2);
    } finally {
      controller.abort();
      await client.close();
    }
  });

  it('natsDaqClient reads the same parsed images straight from NATS, filtered by node, module and product', async () => {
    const cases = [
      { filter: { modules: [3], products: ['ph256' as const] }, want: (m: number, t: string) => m === 3 && t === 'pulse-height' },
      { filter: { nodes: [nodes[2]!.address] }, want: (m: number) => m === 5 || m === 6 },
      { filter: { modules: [1, 4], products: ['img16' as const] }, want: (m: number, t: string) => (m === 1 || m === 4) && t === 'movie' },
    ];
    for (const { filter, want } of cases) {
      const viewer = await natsDaqClient(nats.url, filter);
      const seen = new Set<string>();
      try {
        let n = 0;
        for await (const image of viewer.streamImages()) {
          expect(want(image.moduleId, image.type), `${JSON.stringify(filter)}: ${image.moduleId} ${image.type}`).toBe(true);
          expect(image.host).toBe(nodes[MODULES.findIndex((ms) => ms.includes(image.moduleId))]!.address);
          expect(image.pixels.length).toBe(image.shape[0] * image.shape[1]);
          seen.add(`${image.moduleId}:${image.type}`);
          if (++n === 5) break;
        }
      } finally {
        await viewer.close();
      }
      expect(seen.size).toBeGreaterThan(0);
    }
  });

  it('a viewer joining a gateway that starts after the nodes stopped publishing gets the newest image of every module at once', async () => {
    await publishing.close();
    const jsm = await jetstreamManager(second.nc);
    const late = await startGateway({ natsUrl: nats.url, port: 0, log: silentLogger });
    try {
      // 60 s between images per module and type: every slot within the test's time means each
      // came at once, from JetStream's newest per subject (nothing new is being published).
      const seen = await firstOfEverySlot(late.server!.address, 60);
      expect([...seen.keys()].sort()).toEqual([...EVERY_SLOT].sort());
      for (const [key, r] of seen) {
        const image = r.response.panoImage!;
        const node = nodes[MODULES.findIndex((ms) => ms.includes(image.moduleId))]!;
        const subject = `daqdata.${node.address.replace(/[.:]/g, '_')}.${image.moduleId}.${image.type === 2 ? 'img16' : 'ph256'}`;
        const newest = await jsm.streams.getMessage(image.type === 2 ? PREVIEWS_STREAM : EVENTS_STREAM, { last_by_subj: subject });
        expect(Buffer.from(PanoImage.encode(image).finish()).equals(Buffer.from(newest!.data)), key).toBe(true);
      }
    } finally {
      await late.close();
    }
  });
});
