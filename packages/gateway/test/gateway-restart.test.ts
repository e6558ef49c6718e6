// The gateway killed (SIGKILL, as the child process `daq gateway` a site runs) and restarted:
// the every-event consumer resumes with no loss and no duplicate. The restarted gateway reads
// the last event it published per node from DAQDATA_EVENTS and resumes the node's every-frame
// stream after it; an event in flight at the kill and published again is dropped by JetStream's
// duplicate window. Real node process, real nats-server with JetStream in a temporary store,
// the built `daq` (packages/cli/dist: build first).
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess } from '../../cli/test/support/cli-process.js';
import { followedNode, serving, write } from '../../client/test/helpers/followed-node.js';
import { EVENTS_STREAM } from '../src/jetstream-streams.js';
import { randomChunks, readEvents } from './helpers/events-reader.js';
import { startTestNats } from './helpers/nats.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `daq gateway` relaying `node` to `natsUrl`, once it says it is ready (its streams exist then). */
async function gatewayProcess(node: string, natsUrl: string): Promise<CliProcess> {
  const gateway = new CliProcess(['gateway', '--hosts', node, '--nats', natsUrl, '--log-format', 'json']);
  cleanups.push(async () => {
    gateway.kill('SIGKILL');
    await gateway.exited;
  });
  await gateway.waitFor('the gateway ready line', (out) => out.includes('daq gateway ready'));
  return gateway;
}

describe('the gateway process killed and restarted', () => {
  it('SIGKILL mid-stream, frames written while it is down: every node sequence is stored exactly once, in order', async () => {
    const seed = Date.now() % 1_000_000;
    const [before, whileDown, after] = [150 + (seed % 100), 60 + (seed % 50), 80];
    const total = before + whileDown + after;
    const nats = await startTestNats();
    cleanups.push(() => nats.dispose());
    const f = await followedNode(1, 'restart', cleanups);
    let gateway = await gatewayProcess(f.node.address, nats.url);
    await serving(f.node, 2);
    const reader = await readEvents(nats.url, f.node.address);
    cleanups.push(() => reader.close());

    // Killed while frames are still being written and relayed.
    const writing = (async () => {
      for (const chunk of randomChunks(seed, before, 17)) await write(f, chunk);
    })();
    await reader.until('the first events', (events) => events.length >= 20);
    gateway.kill('SIGKILL');
    expect((await gateway.exited).signal).toBe('SIGKILL');
    await writing;
    // The node's ring keeps the frames for the gateway that went away (its every-frame interest lingers).
    for (const chunk of randomChunks(seed + 1, whileDown, 17)) await write(f, chunk);
    const atRestart = reader.events.length;
    const nc = await connect({ servers: nats.url });
    cleanups.push(() => nc.close());
    const jsm = await jetstreamManager(nc);
    const lastStored = await jsm.streams.getMessage(EVENTS_STREAM, { last_by_subj: 'daqdata.*.*.*' });

    gateway = await gatewayProcess(f.node.address, nats.url);
    // It resumed the node's stream right after the newest stored event (not from the oldest frame the node holds).
    const resumed = gateway.stderr
      .split('\n')
      .filter((line) => line.includes('events resume after the last published'))
      .map((line) => JSON.parse(line) as { node: string; incarnation: string; afterSequence: number });
    expect(resumed).toEqual([
      expect.objectContaining({ node: f.node.address, incarnation: lastStored!.header.get('Daq-Node-Incarnation'), afterSequence: Number(lastStored!.header.get('Daq-Node-Seq')) }),
    ]);
    for (const chunk of randomChunks(seed + 2, after, 17)) await write(f, chunk);
    await reader.until(`frame ${total - 1}`, (events) => events.some((e) => e.frameNumber === total - 1));

    const events = reader.events;
    const context = `seed ${seed}, ${atRestart} events stored when the gateway restarted`;
    expect(events.map((e) => e.frameNumber), context).toEqual(Array.from({ length: total }, (_, k) => k));
    expect(events.map((e) => e.nodeSequence - events[0]!.nodeSequence), context).toEqual(Array.from({ length: total }, (_, k) => k));
    expect(new Set(events.map((e) => e.incarnation)).size).toBe(1);
    // Nothing stored twice: a marker acknowledged after everything the server took in before it.
    await jsm.jetstream().publish('daqdata.marker.1.ph256', new Uint8Array());
    expect((await jsm.streams.info(EVENTS_STREAM)).state.messages, context).toBe(total + 1);
  });
});
