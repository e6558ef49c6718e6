// The SDK's every-frame delivery over real DAQ node processes (issue 13): every frame of many
// nodes, numbered, in order per node; a node killed and restarted mid-stream resumes with no
// duplicate and exactly one gap whose count is exact; the sync face gets the same images.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { frameTime, parsePanoImage, timingPacket } from '@daqdata/core';
import { readPffFile } from '@daqdata/core/node';
import { DaqClient, type FrameGapEvent, type SequencedImage, type StreamEvent } from '../src/index.js';
import { startDaqNode } from './helpers/daq-node-process.js';
import { pixelsFor } from './helpers/images.js';
import { followedNode, serving, write } from './helpers/followed-node.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const run = promisify(execFile);
const SYNC_CHILD = fileURLToPath(new URL('./helpers/sync-face-child.mjs', import.meta.url));
const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 200 };

describe('every-frame delivery through the SDK', () => {
  it('delivers every frame of two nodes, numbered and in order per node, parsed', async () => {
    const a = await followedNode(1, 'every', cleanups);
    const b = await followedNode(2, 'every', cleanups);
    await using client = DaqClient.fromAddresses([a.node.address, b.node.address], { reconnect: FAST_RECONNECT });
    const stream = client.streamImages({ delivery: 'every-frame', movie: false, pulseHeight: true });
    const first = stream.next();
    await Promise.all([serving(a.node), serving(b.node)]);
    await Promise.all([write(a, 150), write(b, 90)]);
    const images: SequencedImage[] = [(await first).value as SequencedImage];
    for await (const image of stream) {
      images.push(image);
      if (images.length === 240) break;
    }
    for (const [f, moduleId] of [[a, 1], [b, 2]] as const) {
      const mine = images.filter((i) => i.host === f.node.address);
      expect(mine.every((i) => i.moduleId === moduleId && i.type === 'pulse-height')).toBe(true);
      expect(mine.map((i) => i.frameNumber)).toEqual(Array.from({ length: f.written }, (_, k) => k));
      expect(mine.map((i) => i.sequence - mine[0]!.sequence)).toEqual(Array.from({ length: f.written }, (_, k) => k));
      expect(mine.map((i) => i.pixels[5])).toEqual(Array.from({ length: f.written }, (_, k) => pixelsFor('ph256', k)[5]));
    }
  });

  it('parsed images come as the file holds the frames and equal what the core reader reads from it; a raw stream gets the same frames as PanoImages', async () => {
    const f = await followedNode(3, 'pff', cleanups);
    await using client = DaqClient.fromAddresses([f.node.address], { reconnect: FAST_RECONNECT });
    const parsed = client.streamImages({ delivery: 'every-frame', movie: false, pulseHeight: true });
    const raw = client.streamImages({ delivery: 'every-frame', movie: false, pulseHeight: true, parse: false });
    const firstParsed = parsed.next();
    const firstRaw = raw.next();
    await serving(f.node, 2);
    await write(f, 200);
    const take = async <T>(first: Promise<IteratorResult<T>>, rest: AsyncGenerator<T>): Promise<T[]> => {
      const out: T[] = [(await first).value as T];
      for await (const x of rest) if (out.push(x) === f.written) break;
      return out;
    };
    const images = (await take(firstParsed, parsed)) as SequencedImage[];
    const messages = await take(firstRaw, raw);
    const file = await readPffFile(f.writer.path);
    expect(file.errors).toEqual([]);
    expect(images.map((i) => i.frameNumber)).toEqual(file.frames.map((fr) => fr.index));
    images.forEach((image, k) => {
      const frame = file.frames[k]!;
      expect(image.header).toEqual(frame.header);
      expect(image.pixels).toEqual(frame.pixels);
      expect(image.time?.wrUnixNs).toBe(frameTime(timingPacket(frame.header)).wrUnixNs);
      expect(image.file).toBe(file.name.fileName);
      expect(image.dataProduct).toBe('ph256');
      // The same frame as a PanoImage (raw mode), parsed by core: the same image.
      const pano = messages[k]!.response.panoImage!;
      const { at: _at, ...fromPano } = parsePanoImage(pano, { host: image.host });
      const { at: _at2, sequence, incarnation, serverTimestamp: _t, ...fromRun } = image;
      expect({ ...fromRun, serverTimestamp: undefined }).toEqual({ ...fromPano, serverTimestamp: undefined });
      expect(messages[k]!.response.everyFrame!.nodeSequence).toBe(sequence);
      expect(messages[k]!.response.everyFrame!.nodeIncarnation).toBe(incarnation);
    });
  });

  it('a node killed and restarted mid-stream: resumed with no duplicate and one gap whose count is exact', async () => {
    const a = await followedNode(1, 'every', cleanups);
    await using client = DaqClient.fromAddresses([a.node.address], { reconnect: FAST_RECONNECT });
    const events: StreamEvent[] = [];
    client.onStatus((e) => events.push(e));
    const gaps: FrameGapEvent[] = [];
    const stream = client.streamImages({ delivery: 'every-frame', movie: false, pulseHeight: true, onGap: (g) => gaps.push(g) });
    const images: SequencedImage[] = [];
    const take = async (n: number) => {
      for (let i = 0; i < n; i++) images.push((await stream.next()).value as SequencedImage);
    };
    const first = take(10);
    await serving(a.node);
    await write(a, 10);
    await first;
    await a.node.kill();
    // Written while the node is down: the restarted node starts after them, so they are lost, and said so.
    await write(a, 7);
    const port = a.node.port;
    a.node = await startDaqNode({ port, dataRoot: a.dataDir, dataDir: a.dataDir, name: 'every-1' });
    cleanups.push(() => a.node.kill());
    await serving(a.node);
    const rest = take(5);
    await write(a, 5);
    await rest;
    expect(images.map((i) => i.frameNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 18, 19, 20, 21]);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ type: 'gap', host: a.node.address, reason: 'node-restart', count: 7, moduleId: 1, kind: 'pulse-height', firstMissingFrame: 10 });
    expect(events.filter((e) => e.type === 'gap')).toEqual(gaps);
    expect(new Set(images.map((i) => i.incarnation)).size).toBe(2);
    await stream.return(undefined);
  });

  it('the RxJS face streams every frame with its sequence', async () => {
    const a = await followedNode(4, 'every', cleanups);
    await using client = DaqClient.fromAddresses([a.node.address], { reconnect: FAST_RECONNECT });
    const all = firstValueFrom(client.images$({ delivery: 'every-frame', movie: false, pulseHeight: true }).pipe(take(25), toArray()));
    await serving(a.node);
    await write(a, 25);
    const images = await all;
    expect(images.map((i) => i.frameNumber)).toEqual(Array.from({ length: 25 }, (_, k) => k));
    expect(images.map((i) => i.sequence - images[0]!.sequence)).toEqual(Array.from({ length: 25 }, (_, k) => k));
  });

  it('the sync face streams every frame with its sequence (a script with no await, in its own process)', async () => {
    const a = await followedNode(3, 'every', cleanups);
    const script = run(process.execPath, [SYNC_CHILD, 'every-frame', '20', a.node.address], { timeout: 30_000 });
    await serving(a.node);
    await write(a, 20);
    const { stdout } = await script;
    const { images } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { images: Array<{ frameNumber: number; sequence: number; incarnation: string }> };
    expect(images.map((i) => i.frameNumber)).toEqual(Array.from({ length: 20 }, (_, k) => k));
    expect(images.map((i) => i.sequence - images[0]!.sequence)).toEqual(Array.from({ length: 20 }, (_, k) => k));
    expect(new Set(images.map((i) => i.incarnation)).size).toBe(1);
  });
});
