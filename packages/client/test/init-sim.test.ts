// initSim against real nodes whose simulate_daq is served by @daqdata/sim (as `daq serve`
// does): each node replays the bundled archive into its own temporary run directory and
// follows it with its watcher; the client gets both image types from both nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaqClient, type ParsedImage } from '../src/index.js';
import { startDaqNode, type DaqNodeProcess } from './helpers/daq-node-process.js';

let nodes: DaqNodeProcess[] = [];
beforeAll(async () => {
  nodes = await Promise.all([startDaqNode({ name: 'sim-a', simulate: true }), startDaqNode({ name: 'sim-b', simulate: true })]);
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
});

describe('initSim', () => {
  it('starts a simulated run on every node; the stream brings movie and pulse-height images from each', async () => {
    await using client = DaqClient.fromAddresses(nodes.map((n) => n.address));
    const init = await client.initSim();
    expect(init.success).toBe(true);
    expect(Object.keys(init.hosts).sort()).toEqual(nodes.map((n) => n.address).sort());

    const seen = new Map<string, Set<string>>(); // host -> image types
    const images: ParsedImage[] = [];
    for await (const image of client.streamImages({ updateIntervalSeconds: 0.05 })) {
      images.push(image);
      const types = seen.get(image.host) ?? new Set<string>();
      seen.set(image.host, types.add(image.type));
      if (seen.size === nodes.length && [...seen.values()].every((t) => t.size === 2)) break;
    }
    for (const image of images) {
      expect(image.pixels.length).toBe(image.shape[0] * image.shape[1]);
      expect(image.time).not.toBeNull();
      if (image.type === 'pulse-height') expect(image.pixels).toBeInstanceOf(Int16Array);
    }
    expect(client.openCalls).toBe(0);
  });
});
