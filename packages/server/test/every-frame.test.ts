// EVERY_FRAME delivery end to end (issue 13): a real node on an ephemeral port following a real
// run directory, a writer appending frames in chunks that split frames, a standard client.
// Every frame arrives once, in order, with contiguous node sequences; a client behind the ring
// gets one gap record whose count is exact; a resume point continues without duplicates.
import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DeliveryOptions_Policy, FrameGap_Reason, type DaqDataClient, type StreamImagesResponse } from '@daqdata/core';
import fc from 'fast-check';
import { Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { RecorderFile, StreamRecorder, frameBytes, headerFor, movieImage, pixelsFor, published, runDir, startTestNode, streamsStarted, tempDir, type TestNode } from './helpers.js';
import { concat, recorderBytes } from './recorder-frames.js';
import type { ServerConfig } from '../src/config/server-config.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function nodeFollowing(config: Partial<ServerConfig> = {}): Promise<{ node: TestNode; file: RecorderFile }> {
  const node = await startTestNode(config);
  cleanups.push(() => node.stop());
  const dataDir = join(node.root, 'data');
  const file = await RecorderFile.create(await runDir(dataDir, 1), 'ph256', 1);
  cleanups.push(() => file.close());
  const res = await node.client.initHpIo({ dataDir, updateIntervalSeconds: 0.001 });
  expect(res).toEqual({ success: true, errorMessage: '' });
  return { node, file };
}

const everyFrame = (extra: Parameters<typeof everyFrameOf>[1] = {}) => everyFrameOf({ movie: false, pulseHeight: true }, extra);

function everyFrameOf(types: { movie: boolean; pulseHeight: boolean }, extra: { batchLimit?: number; resume?: { nodeIncarnation: string; afterSequence: number } } = {}) {
  return {
    streamMovieData: types.movie,
    streamPulseHeightData: types.pulseHeight,
    updateIntervalSeconds: 0,
    delivery: { policy: DeliveryOptions_Policy.EVERY_FRAME, batchLimit: extra.batchLimit ?? 0, resume: extra.resume },
  };
}

interface Item {
  sequence: number;
  frameNumber: number;
}
interface Gap {
  first: number;
  count: number;
  reason: FrameGap_Reason;
}

/** A response's images (pano_image, then the batch) and its gap record. */
function unpack(r: StreamImagesResponse): { items: Item[]; gap: Gap | null; incarnation: string } {
  const ef = r.everyFrame;
  if (!ef) throw new Error('an every-frame response without every_frame');
  const items: Item[] = [];
  if (r.panoImage) items.push({ sequence: ef.nodeSequence, frameNumber: r.panoImage.frameNumber });
  for (const b of ef.batch) items.push({ sequence: b.sequence, frameNumber: b.panoImage!.frameNumber });
  const gap = ef.gap ? { first: ef.gap.firstMissingSequence, count: ef.gap.count, reason: ef.gap.reason } : null;
  return { items, gap, incarnation: ef.nodeIncarnation };
}

function flatten(received: Array<{ response: StreamImagesResponse }>): { items: Item[]; gaps: Gap[] } {
  const items: Item[] = [];
  const gaps: Gap[] = [];
  for (const { response } of received) {
    const u = unpack(response);
    items.push(...u.items);
    if (u.gap) gaps.push(u.gap);
  }
  return { items, gaps };
}

const count = (n: number) => (rs: Array<{ response: StreamImagesResponse }>) => flatten(rs).items.length >= n;

function stream(node: TestNode, req: Parameters<DaqDataClient['streamImages']>[0]): StreamRecorder {
  const s = new StreamRecorder(node.client, req);
  cleanups.push(() => s.cancel());
  return s;
}

describe('every-frame delivery', () => {
  it('N frames written in random chunks arrive exactly once each, in order, with contiguous sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 64 }), async (n, chunks, batchLimit) => {
        const { node, file } = await nodeFollowing();
        const s = stream(node, everyFrame({ batchLimit }));
        await streamsStarted(node, 1);
        // Written in parts, each with its own chunk size (not aligned to frames).
        let left = n;
        for (let i = 0; left > 0; i++) {
          const part = i === chunks.length - 1 || i >= chunks.length ? left : Math.max(1, Math.min(left, Math.ceil(n / chunks.length)));
          // Chunks of at least 2n bytes: about 500 appends per run at most (~1 KiB per frame). One
          // byte at a time for 400 frames was 400,000 appends, over the test's 30 s in a loaded suite.
          await file.write(part, Math.max(chunks[i % chunks.length]!, 2 * n));
          left -= part;
        }
        await s.until(count(n), `${n} frames`);
        const { items, gaps } = flatten(s.received);
        expect(gaps).toEqual([]);
        expect(items.map((i) => i.frameNumber)).toEqual(Array.from({ length: n }, (_, k) => k));
        const first = items[0]!.sequence;
        expect(items.map((i) => i.sequence)).toEqual(Array.from({ length: n }, (_, k) => first + k));
        if (batchLimit > 0) for (const { response } of s.received) expect(unpack(response).items.length).toBeLessThanOrEqual(batchLimit);
        for (const c of cleanups.splice(0).reverse()) await c();
      }),
      { numRuns: 4 },
    );
  });

  // A ring of a few hundred ph256 frames: larger than what one follower read publishes at once,
  // smaller than what is written while the client takes nothing.
  const RING_BYTES = 500_000;
  it('a client behind a small ring gets a gap record with the exact count, then contiguous frames', async () => {
    const { node, file } = await nodeFollowing({ ringBytes: RING_BYTES });
    const abort = new AbortController();
    cleanups.push(async () => abort.abort());
    const it = node.client.streamImages(everyFrame({ batchLimit: 1 }), { signal: abort.signal })[Symbol.asyncIterator]();
    const first = it.next();
    await streamsStarted(node, 1);
    await file.write(1, 300);
    const r0 = unpack((await first).value as StreamImagesResponse);
    const s0 = r0.items[0]!.sequence;
    // The client takes nothing while 8000 frames are published: far more than the ring and the transport's windows hold.
    const total = 8001;
    await file.write(total - 1, 4096);
    await published(node, s0 + total - 1);
    expect(node.server.node.ring.evicted).toBeGreaterThan(0);
    const items: Item[] = [...r0.items];
    const gaps: Gap[] = [];
    while (items.at(-1)!.frameNumber < total - 1) {
      const u = unpack((await it.next()).value as StreamImagesResponse);
      items.push(...u.items);
      if (u.gap) gaps.push(u.gap);
    }
    // At least the one for what was evicted while the client took nothing (more only if one
    // follower read outran the ring before the transport filled; each is exact all the same).
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    for (const g of gaps) expect(g.reason).toBe(FrameGap_Reason.RING_OVERRUN);
    // Delivered and reported sequences cover s0 .. the last exactly once each: every count is exact.
    const reported = gaps.flatMap((g) => Array.from({ length: g.count }, (_, k) => g.first + k));
    const covered = [...items.map((i) => i.sequence), ...reported].sort((a, b) => a - b);
    expect(covered).toEqual(Array.from({ length: total }, (_, k) => s0 + k));
    // After the last gap, contiguous to the end.
    const last = gaps.at(-1)!;
    const after = items.filter((i) => i.sequence > last.first).map((i) => i.sequence);
    expect(after).toEqual(Array.from({ length: after.length }, (_, k) => last.first + last.count + k));
    // One sequence per frame here (one module, one product): frame numbers say the same.
    expect(items.map((i) => i.frameNumber - i.sequence + s0).every((d) => d === 0)).toBe(true);
    expect(node.server.node.ring.heldBytes).toBeLessThanOrEqual(RING_BYTES);
  });

  it('a backlog is served while it is read, not once it all is', async () => {
    const { node, file } = await nodeFollowing();
    const hub = node.server.node.hub;
    const abort = new AbortController();
    cleanups.push(async () => abort.abort());
    // Small batches: a message within one HTTP/2 flow-control window (64 KiB) needs no round trip.
    const it = node.client.streamImages(everyFrame({ batchLimit: 32 }), { signal: abort.signal })[Symbol.asyncIterator]();
    const first = it.next();
    await streamsStarted(node, 1);
    await file.write(1, 300);
    const s0 = unpack((await first).value as StreamImagesResponse).items[0]!.sequence;
    // This process is the node too: what it had published when the client got the backlog's
    // first message. Reads chained without a loop turn published all of it first (and a
    // default ring then held only its end).
    const received = it.next().then((r) => ({ next: unpack(r.value as StreamImagesResponse), publishedThen: hub.publishedCount }));
    // One write: the follower reads it 64 frames at a time, a loop turn between reads.
    const backlog = 20_000;
    await file.write(backlog, 1 << 26);
    const { next, publishedThen } = await received;
    expect(next.gap).toBeNull();
    expect(next.items[0]!.sequence).toBe(s0 + 1);
    expect(publishedThen).toBeLessThan(s0 + backlog);
  });

  it('a burst of small appends to two files (thousands of file events at once) is served while it is read too', async () => {
    // img16: a read of 64 frames takes longer than the 1 ms read interval, so every event read at once.
    const node = await startTestNode();
    cleanups.push(() => node.stop());
    const dataDir = join(node.root, 'data');
    const file = await RecorderFile.create(await runDir(dataDir, 1), 'img16', 1);
    cleanups.push(() => file.close());
    expect((await node.client.initHpIo({ dataDir, updateIntervalSeconds: 0.001 })).success).toBe(true);
    const second = await RecorderFile.create(await runDir(dataDir, 2), 'img16', 2);
    cleanups.push(() => second.close());
    const hub = node.server.node.hub;
    const abort = new AbortController();
    cleanups.push(async () => abort.abort());
    const it = node.client.streamImages(everyFrameOf({ movie: true, pulseHeight: false }, { batchLimit: 16 }), { signal: abort.signal })[Symbol.asyncIterator]();
    const first = it.next();
    await streamsStarted(node, 1);
    await file.write(1, 300);
    const s0 = unpack((await first).value as StreamImagesResponse).items[0]!.sequence;
    await second.write(1, 300);
    expect(unpack((await it.next()).value as StreamImagesResponse).items.map((i) => i.sequence)).toEqual([s0 + 1]);
    const perFile = 5_000;
    const frames = Buffer.concat(Array.from({ length: perFile }, (_, k) => frameBytes('img16', 1 + k)));
    const source = join(node.root, 'burst.bin');
    await writeFile(source, frames);
    const received = it.next().then((r) => ({ next: unpack(r.value as StreamImagesResponse), publishedThen: hub.publishedCount }));
    // Another process appends 16 frames per write to each file in turn (1,250 writes) while this
    // process (the node) waits for it synchronously: the inotify events, alternating between the
    // files (so the kernel cannot merge them), then reach the node in one flood, as they do a
    // node busy reading. Each event started a read at once, one after another in one poll phase,
    // and the node read the whole burst before it sent anything.
    const step = (frames.length / perFile) * 16;
    const script = `const fs=require('fs');const b=fs.readFileSync(process.argv[1]);const fds=[fs.openSync(process.argv[2],'a'),fs.openSync(process.argv[3],'a')];for(let p=0;p<b.length;p+=${step})for(const fd of fds)fs.writeSync(fd,b.subarray(p,p+${step}));`;
    execFileSync(process.execPath, ['-e', script, source, file.path, second.path]);
    const { next, publishedThen } = await received;
    expect(next.gap).toBeNull();
    expect(next.items[0]!.sequence).toBe(s0 + 2);
    expect(publishedThen).toBeLessThan(s0 + 1 + 2 * perFile);
  });

  it('does not replay the history of a file the node found at start, and reads a rollover file from its first frame', async () => {
    const node = await startTestNode();
    cleanups.push(() => node.stop());
    const dataDir = join(node.root, 'data');
    const dir = await runDir(dataDir, 1);
    const old = await RecorderFile.create(dir, 'ph256', 1);
    cleanups.push(() => old.close());
    await old.write(30, 2000);
    expect((await node.client.initHpIo({ dataDir, updateIntervalSeconds: 0.001 })).success).toBe(true);
    const s = stream(node, everyFrame());
    await streamsStarted(node, 1);
    await old.write(5, 700);
    await s.until(count(5), '5 new frames');
    // The rollover: the next file of the run, 10 frames in one write before the node sees it.
    const next = await RecorderFile.create(dir, 'ph256', 1, 1);
    cleanups.push(() => next.close());
    await next.write(10, 1 << 20);
    await s.until(count(15), '10 frames of the new file');
    const files = s.received.flatMap(({ response }) => [response.panoImage!, ...response.everyFrame!.batch.map((b) => b.panoImage!)]).map((p) => `${p.file.includes('seqno_1') ? 'new' : 'old'}#${p.frameNumber}`);
    expect(files).toEqual([...Array.from({ length: 5 }, (_, k) => `old#${30 + k}`), ...Array.from({ length: 10 }, (_, k) => `new#${k}`)]);
  });

  it('a resume point continues after the last frame received: no duplicate, no loss for frames written while away', async () => {
    const { node, file } = await nodeFollowing();
    const a = stream(node, everyFrame());
    await streamsStarted(node, 1);
    await file.write(20, 700);
    await a.until(count(20), '20 frames');
    await a.cancel();
    const got = flatten(a.received).items;
    const { incarnation } = unpack(a.received[0]!.response);
    // Written while no client is connected: the node still reads and holds them (the ring's linger).
    await file.write(30, 900);
    await published(node, got.at(-1)!.sequence + 30);
    const b = stream(node, everyFrame({ resume: { nodeIncarnation: incarnation, afterSequence: got.at(-1)!.sequence } }));
    await b.until(count(30), '30 more frames');
    const more = flatten(b.received);
    expect(more.gaps).toEqual([]);
    expect([...got, ...more.items].map((i) => i.frameNumber)).toEqual(Array.from({ length: 50 }, (_, k) => k));
  });

  it('a resume point from another incarnation is answered with a node-restart gap record first', async () => {
    const { node, file } = await nodeFollowing();
    const s = stream(node, everyFrame({ resume: { nodeIncarnation: 'an-earlier-run', afterSequence: 41 } }));
    await streamsStarted(node, 1);
    await file.write(3, 500);
    await s.until(count(3), '3 frames');
    const first = unpack(s.received[0]!.response);
    expect(first.gap).toEqual({ first: 42, count: 0, reason: FrameGap_Reason.NODE_RESTART });
    expect(first.items).toEqual([]);
    expect(flatten(s.received).items.map((i) => i.frameNumber)).toEqual([0, 1, 2]);
  });

  it('a re-initialised node reports the frames it dropped as a re-init gap', async () => {
    const { node, file } = await nodeFollowing();
    const a = stream(node, everyFrame());
    await streamsStarted(node, 1);
    await file.write(5, 500);
    await a.until(count(5), '5 frames');
    await a.cancel();
    const last = flatten(a.received).items.at(-1)!.sequence;
    await file.write(4, 500);
    await published(node, last + 4);
    const res = await node.client.initHpIo({ dataDir: join(node.root, 'data'), updateIntervalSeconds: 0.001 });
    expect(res.success).toBe(true);
    const b = stream(node, everyFrame({ resume: { nodeIncarnation: node.server.node.incarnation, afterSequence: last } }));
    await b.until((rs) => flatten(rs).gaps.length > 0, 'a gap record');
    const [gap] = flatten(b.received).gaps;
    // The 4 frames held when the node re-initialised, and the newest frame it published on following the data again.
    expect(gap!.reason).toBe(FrameGap_Reason.RE_INIT);
    expect(gap!.first).toBe(last + 1);
    expect(gap!.count).toBe(node.server.node.ring.oldestHeld - last - 1);
  });

  it('recorder-socket frames and uploads are numbered the same way: every one delivered, in order, contiguous', async () => {
    const dir = await tempDir('daq-every-rec-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const template = join(dir, 'rec.dp_{dp_name}.sock');
    const node = await startTestNode({ recorderSockets: { dataProducts: ['ph256'], socketPathTemplate: template, readTimeoutSeconds: 60 } });
    cleanups.push(() => node.stop());
    const s = stream(node, everyFrameOf({ movie: true, pulseHeight: true }));
    await streamsStarted(node, 1);
    const socket = connect(template.replace('{dp_name}', 'ph256'));
    cleanups.push(async () => socket.destroy());
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(concat(Array.from({ length: 50 }, (_, n) => recorderBytes('ph256', { moduleId: 5, header: headerFor('ph256', n), pixels: pixelsFor('ph256', n) }))));
    await s.until(count(50), '50 recorder-socket frames');
    await node.client.uploadImages((async function* () {
      for (let n = 0; n < 10; n++) yield { panoImage: movieImage(6, n) };
    })());
    await s.until(count(60), '10 uploads too');
    const { items, gaps } = flatten(s.received);
    expect(gaps).toEqual([]);
    expect(items.map((i) => i.frameNumber)).toEqual([...Array.from({ length: 50 }, (_, k) => k), ...Array.from({ length: 10 }, (_, k) => k)]);
    expect(items.map((i) => i.sequence - items[0]!.sequence)).toEqual(Array.from({ length: 60 }, (_, k) => k));
  });

  it('refuses a batch limit above the maximum and a resume point beyond the newest sequence, naming the field', async () => {
    const { node } = await nodeFollowing();
    const refused = async (req: Parameters<DaqDataClient['streamImages']>[0]) => {
      try {
        for await (const _ of node.client.streamImages(req)) return 'streamed';
      } catch (err) {
        return err as { code: Status; details: string };
      }
      return 'ended';
    };
    expect(await refused(everyFrame({ batchLimit: 1e6 }))).toMatchObject({ code: Status.INVALID_ARGUMENT, details: expect.stringMatching(/batch_limit 1000000 is above the maximum of 65536/) });
    expect(await refused(everyFrame({ resume: { nodeIncarnation: node.server.node.incarnation, afterSequence: 1e9 } }))).toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: expect.stringMatching(/after_sequence 1000000000 is beyond this node's newest sequence/),
    });
  });
});
