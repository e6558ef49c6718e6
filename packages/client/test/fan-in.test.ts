// Fan-in against real DAQ node processes: merged arrival order, a node killed and restarted
// mid-stream, reconnect off, and cancellation leaving no open RPC on client or nodes.
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { DaqClient, type ParsedImage, type StreamEvent } from '../src/index.js';
import { startDaqNode, type DaqNodeProcess } from './helpers/daq-node-process.js';
import { startProducer, type Producer } from './helpers/producer.js';
import { until } from './helpers/wait.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function nodesWithProducers(n: number): Promise<{ nodes: DaqNodeProcess[]; producers: Producer[] }> {
  const nodes = await Promise.all(Array.from({ length: n }, (_, i) => startDaqNode({ name: `node-${i}` })));
  for (const node of nodes) cleanups.push(() => node.kill());
  // Module id = node index + 1, so every image says which node produced it.
  const producers = nodes.map((node, i) => startProducer(node.address, i + 1));
  for (const p of producers) cleanups.push(() => p.stop());
  return { nodes, producers };
}

const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 200 };

/** Collects images until `done` says so; returns them in arrival order. */
async function collect(stream: AsyncIterable<ParsedImage>, done: (images: ParsedImage[]) => boolean): Promise<ParsedImage[]> {
  const images: ParsedImage[] = [];
  for await (const image of stream) {
    images.push(image);
    if (done(images)) break;
  }
  return images;
}

const countBy = (images: ParsedImage[], host: string) => images.filter((i) => i.host === host).length;

describe('fan-in over real nodes', () => {
  it.each([2, 3])('merges %i nodes in arrival order', async (n) => {
    const { nodes } = await nodesWithProducers(n);
    await using client = DaqClient.fromAddresses(nodes.map((x) => x.address), { reconnect: FAST_RECONNECT });
    const images = await collect(client.streamImages({ movie: true, pulseHeight: false, updateIntervalSeconds: 0.01 }), (imgs) =>
      nodes.every((x) => countBy(imgs, x.address) >= 5),
    );
    nodes.forEach((node, i) => {
      const fromNode = images.filter((img) => img.host === node.address);
      expect(fromNode.every((img) => img.moduleId === i + 1)).toBe(true);
      // Frames from one node arrive in the order the node sent them.
      const seqs = fromNode.map((img) => img.frameNumber);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    });
    // Arrival order, not one node after another: the sequence switches host many times.
    const switches = images.filter((img, k) => k > 0 && img.host !== images[k - 1]!.host).length;
    expect(switches).toBeGreaterThanOrEqual(n);
    expect(client.openCalls).toBe(0);
  });

  it('a node killed mid-stream and restarted on the same port: the stream resumes from it, the others never pause', async () => {
    const { nodes } = await nodesWithProducers(3);
    const [a, b, c] = nodes as [DaqNodeProcess, DaqNodeProcess, DaqNodeProcess];
    await using client = DaqClient.fromAddresses(nodes.map((x) => x.address), { reconnect: FAST_RECONNECT });
    const events: StreamEvent[] = [];
    client.onStatus((e) => events.push(e));
    const seen = (e: StreamEvent['type'], host: string) => events.some((x) => x.type === e && x.host === host);

    let phase: 'before' | 'down' | 'restarted' = 'before';
    const duringOutage = { a: 0, c: 0 };
    let bAfterRestart = 0;
    let restartedB: DaqNodeProcess | undefined;
    const stream = client.streamImages({ movie: true, pulseHeight: false, updateIntervalSeconds: 0.01 });
    for await (const image of stream) {
      if (phase === 'before' && [a, b, c].every((x) => seen('connected', x.address)) && image.host === b.address) {
        phase = 'down';
        await b.kill();
      } else if (phase === 'down') {
        if (image.host === a.address) duringOutage.a++;
        if (image.host === c.address) duringOutage.c++;
        if (duringOutage.a >= 5 && duringOutage.c >= 5 && seen('disconnected', b.address)) {
          // A and C kept flowing while B was gone; now B comes back on its old port.
          restartedB = await startDaqNode({ port: b.port, name: 'node-1-again' });
          cleanups.push(() => restartedB!.kill());
          const producer = startProducer(restartedB.address, 2);
          cleanups.push(() => producer.stop());
          phase = 'restarted';
        }
      } else if (phase === 'restarted' && image.host === b.address) {
        bAfterRestart++;
        if (bAfterRestart >= 3) break;
      }
    }
    expect(duringOutage.a).toBeGreaterThanOrEqual(5);
    expect(duringOutage.c).toBeGreaterThanOrEqual(5);
    expect(bAfterRestart).toBe(3);
    const bEvents = events.filter((e) => e.host === b.address).map((e) => e.type);
    expect(bEvents[0]).toBe('connected');
    expect(bEvents).toContain('disconnected');
    expect(bEvents).toContain('reconnecting');
    expect(bEvents.filter((t) => t === 'connected').length).toBe(2);
    // The other nodes never dropped.
    expect(events.filter((e) => e.host !== b.address).map((e) => e.type)).toEqual(['connected', 'connected']);
    expect(events.some((e) => e.type === 'gone')).toBe(false);
    const reconnecting = events.filter((e) => e.type === 'reconnecting');
    expect(reconnecting.every((e) => e.type === 'reconnecting' && e.delayMs <= FAST_RECONNECT.maxDelayMs)).toBe(true);
    expect(client.openCalls).toBe(0);
  });

  it('with reconnect off a killed node is gone, and the stream ends when every node is gone', async () => {
    const { nodes } = await nodesWithProducers(2);
    await using client = DaqClient.fromAddresses(nodes.map((x) => x.address), { reconnect: false });
    const events: StreamEvent[] = [];
    client.onStatus((e) => events.push(e));
    let killed = 0;
    const images: ParsedImage[] = [];
    for await (const image of client.streamImages({ movie: true, pulseHeight: false, updateIntervalSeconds: 0.01 })) {
      images.push(image);
      const node = nodes.find((x) => x.address === image.host)!;
      if (node.child.exitCode === null && node.child.signalCode === null) {
        await node.kill();
        killed++;
      }
    }
    expect(killed).toBe(2);
    expect(events.filter((e) => e.type === 'gone').map((e) => e.host).sort()).toEqual(nodes.map((x) => x.address).sort());
    expect(events.some((e) => e.type === 'reconnecting')).toBe(false);
    expect(client.openCalls).toBe(0);
  });

  it('break, abort and unsubscribe leave no open RPC on the client or on any node', async () => {
    const { nodes } = await nodesWithProducers(2);
    await using client = DaqClient.fromAddresses(nodes.map((x) => x.address), { reconnect: FAST_RECONNECT });
    const opts = { movie: true, pulseHeight: false, updateIntervalSeconds: 0.01 } as const;
    const noStreamsLeft = async () => {
      expect(client.openCalls).toBe(0);
      for (const node of nodes) await until(`${node.address} to close its streams`, async () => (await node.activeStreams()) === 0);
    };

    // break
    const both = (imgs: ParsedImage[]) => nodes.every((x) => countBy(imgs, x.address) >= 2);
    await collect(client.streamImages(opts), both);
    expect(client.openCalls).toBe(0);
    await noStreamsLeft();

    // AbortSignal
    // Abort stops at once: no image after it, even one already buffered (README, "Stopping a stream").
    const controller = new AbortController();
    const images: ParsedImage[] = [];
    let afterAbort = 0;
    for await (const image of client.streamImages({ ...opts, signal: controller.signal })) {
      if (controller.signal.aborted) afterAbort++;
      images.push(image);
      if (both(images)) {
        // Streams are open on both nodes right now.
        for (const node of nodes) expect(await node.activeStreams()).toBe(1);
        controller.abort();
      }
    }
    expect(afterAbort).toBe(0);
    expect(both(images)).toBe(true);
    await noStreamsLeft();

    // RxJS: images$ and status$; unsubscribing (take) cancels the RPCs.
    const statusDone = firstValueFrom(client.status$.pipe(filter((e) => e.type === 'connected'), take(2), toArray()));
    const got = await firstValueFrom(client.images$(opts).pipe(take(6), toArray()));
    expect(got).toHaveLength(6);
    expect((await statusDone).map((e) => e.host).sort()).toEqual(nodes.map((x) => x.address).sort());
    await until('images$ teardown', () => client.openCalls === 0);
    await noStreamsLeft();
  });
});
