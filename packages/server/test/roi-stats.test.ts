// StreamRoiStats end to end (issue 17): a real node following a real run directory, frames of
// known pixel values appended by a writer, standard clients over gRPC. Exact numbers; ROIs
// refused with their name and rule; two clients with overlapping ROIs share one computation
// per frame and distinct ROI; one record per frame written, in order; resume without loss.
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DATA_PRODUCTS, DeliveryOptions_Policy, FrameGap_Reason, PanoImage_Type, frameTime, timingPacket, type DaqDataClient, type Roi, type RoiFrameRecord, type StreamRoiStatsResponse } from '@daqdata/core';
import { Status } from 'nice-grpc';
import { expect, it } from 'vitest';
import { RecorderFile, StreamRecorder, headerFor, perTestNodes, pixelsFor, runDir, streamsStarted, tempDir, type TestNode } from './helpers.js';
import { concat, recorderBytes } from './recorder-frames.js';

const { cleanups, node: startNode } = perTestNodes();

async function nodeFollowing(): Promise<{ node: TestNode; file: RecorderFile }> {
  const node = await startNode();
  const dataDir = join(node.root, 'data');
  const file = await RecorderFile.create(await runDir(dataDir, 1), 'img16', 1);
  cleanups.push(() => file.close());
  expect(await node.client.initHpIo({ dataDir, updateIntervalSeconds: 0.001 })).toEqual({ success: true, errorMessage: '' });
  return { node, file };
}

const roi = (name: string, rect: [number, number, number, number], background?: [number, number, number, number]): Roi => ({
  name,
  rect: { offsetX: rect[0], sizeX: rect[1], offsetY: rect[2], sizeY: rect[3] },
  background: background && { offsetX: background[0], sizeX: background[1], offsetY: background[2], sizeY: background[3] },
});

type RoiRequest = Parameters<DaqDataClient['streamRoiStats']>[0];

/** Consumes a StreamRoiStats call in the background; tests await a number of records. */
class RoiRecorder {
  readonly responses: StreamRoiStatsResponse[] = [];
  error: unknown;
  private readonly abort = new AbortController();
  private wake: (() => void) | null = null;
  private ended = false;
  readonly done: Promise<void>;
  constructor(client: DaqDataClient, request: RoiRequest) {
    this.done = (async () => {
      try {
        for await (const r of client.streamRoiStats(request, { signal: this.abort.signal })) {
          this.responses.push(r);
          this.wake?.();
        }
      } catch (err) {
        this.error = err;
      } finally {
        this.ended = true;
        this.wake?.();
      }
    })();
    cleanups.push(() => this.cancel());
  }
  get records(): RoiFrameRecord[] {
    return this.responses.flatMap((r) => r.records);
  }
  async untilRecords(n: number): Promise<RoiFrameRecord[]> {
    await this.until(() => this.records.length >= n, `${n} records`);
    return this.records;
  }
  /** Resolves once `pred` holds (woken by each response; rejects when the stream ends first). */
  async until(pred: () => boolean, what: string): Promise<void> {
    while (!pred()) {
      if (this.ended) throw new Error(`stream ended before ${what} (${this.records.length} records): ${String(this.error)}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
  cancel(): Promise<void> {
    this.abort.abort();
    return this.done;
  }
}

const request = (rois: Roi[], extra: Partial<RoiRequest> = {}): RoiRequest => ({ rois, moduleIds: [1], movie: true, pulseHeight: false, ...extra });

// The writer's img16 frame n has pixel (row, col) = 7n + 32·row + col (helpers' pixelsFor, no
// wrap for the n here): the sums below follow from that formula, not from the code under test.
const at = (n: number, row: number, col: number) => 7 * n + 32 * row + col;
function expected(n: number, [ox, sx, oy, sy]: [number, number, number, number]) {
  const profileX = Array.from({ length: sx }, (_, i) => Array.from({ length: sy }, (_, j) => at(n, oy + j, ox + i)).reduce((a, b) => a + b, 0));
  const profileY = Array.from({ length: sy }, (_, j) => Array.from({ length: sx }, (_, i) => at(n, oy + j, ox + i)).reduce((a, b) => a + b, 0));
  const sum = profileX.reduce((a, b) => a + b, 0);
  return { sum, mean: sum / (sx * sy), max: at(n, oy + sy - 1, ox + sx - 1), pixels: sx * sy, profileX, profileY };
}

it('frames of known pixel values give exact sums, means, maxima, profiles and signal at the corners, the full image and one pixel', async () => {
  const { node, file } = await nodeFollowing();
  const rects: Record<string, [number, number, number, number]> = { topLeft: [0, 3, 0, 2], bottomRight: [29, 3, 30, 2], full: [0, 32, 0, 32], one: [17, 1, 5, 1] };
  const rois = [...Object.entries(rects).map(([name, r]) => roi(name, r)), roi('bgsub', [10, 2, 10, 2], [0, 4, 0, 1])];
  const s = new RoiRecorder(node.client, request(rois));
  await streamsStarted(node, 1);
  const n = 5;
  await file.write(n);
  const records = await s.untilRecords(n);
  expect(records.map((r) => r.frameNumber)).toEqual([0, 1, 2, 3, 4]);
  for (const r of records) {
    const f = r.frameNumber;
    expect(r.moduleId).toBe(1);
    expect(r.type).toBe(PanoImage_Type.MOVIE);
    const t = frameTime(timingPacket(headerFor('img16', f)));
    expect(r.wrSynchronised).toBe(t.wrSynchronised);
    expect(BigInt(r.timeUnixSeconds) * 1_000_000_000n + BigInt(r.timeNanos)).toBe(t.unixNs);
    Object.keys(rects).forEach((name, i) => {
      const e = expected(f, rects[name]!);
      expect(r.rois[i]).toEqual({ ...e, signal: e.sum, outsideImage: false });
    });
    // Background [0,4,0,1] has mean 7f + 1.5; the signal ROI has 4 pixels.
    const bg = r.rois[4]!;
    expect(bg.sum).toBe(expected(f, [10, 2, 10, 2]).sum);
    expect(bg.signal).toBe(bg.sum - 4 * (7 * f + 1.5));
  }
  expect(DATA_PRODUCTS.img16.rows).toBe(32);
});

it('frames the ring held before any ROI reader keep no pixels and are decoded from their encoding, to the same numbers; later frames keep theirs', async () => {
  const { node, file } = await nodeFollowing();
  const ring = node.server.node.ring;
  const images = new StreamRecorder(node.client, { streamMovieData: true, streamPulseHeightData: false, updateIntervalSeconds: 0, moduleIds: [1], delivery: { policy: DeliveryOptions_Policy.EVERY_FRAME, batchLimit: 0 } });
  cleanups.push(() => images.cancel());
  await streamsStarted(node, 1);
  await file.write(3);
  await images.until((rs) => rs.reduce((n, { response }) => n + (response.panoImage ? 1 : 0) + (response.everyFrame?.batch.length ?? 0), 0) >= 3, '3 images');
  const heldBefore = ring.read(ring.oldestHeld, () => true, 100, 1e9).images;
  expect(heldBefore.length).toBe(3);
  expect(heldBefore.map((i) => i.keptPixelBytes)).toEqual([0, 0, 0]);
  const rect: [number, number, number, number] = [3, 4, 5, 6];
  const s = new RoiRecorder(node.client, request([roi('r', rect)]));
  await streamsStarted(node, 2);
  await s.untilRecords(3);
  await file.write(2);
  const records = await s.untilRecords(5);
  expect(records.map((r) => r.frameNumber)).toEqual([0, 1, 2, 3, 4]);
  for (const r of records) {
    const e = expected(r.frameNumber, rect);
    expect(r.rois[0]).toEqual({ ...e, signal: e.sum, outsideImage: false });
    const t = frameTime(timingPacket(headerFor('img16', r.frameNumber)));
    expect(BigInt(r.timeUnixSeconds) * 1_000_000_000n + BigInt(r.timeNanos)).toBe(t.unixNs);
    expect(r.wrSynchronised).toBe(t.wrSynchronised);
  }
  // Frames published while the ROI reader is there keep their pixels (img16: 2 KiB each).
  const heldAfter = ring.read(ring.oldestHeld, () => true, 100, 1e9).images;
  expect(heldAfter.slice(-2).map((i) => i.keptPixelBytes)).toEqual([2048, 2048]);
});

it('frames from a recorder socket: one exact record per frame sent, in order, with its WR time (the frame’s own pixels, no file)', async () => {
  const socketDir = await tempDir('daq-roi-sock-');
  cleanups.push(() => rm(socketDir, { recursive: true, force: true }));
  const node = await startNode({ recorderSockets: { dataProducts: ['img16'], socketPathTemplate: join(socketDir, '{dp_name}.sock'), readTimeoutSeconds: 60 } });
  const rects: Record<string, [number, number, number, number]> = { corner: [30, 2, 0, 3], one: [5, 1, 31, 1] };
  const s = new RoiRecorder(node.client, request(Object.entries(rects).map(([name, r]) => roi(name, r))));
  await streamsStarted(node, 1);
  const sock = connect(join(socketDir, 'img16.sock'));
  cleanups.push(async () => sock.destroy());
  await once(sock, 'connect');
  const n = 40;
  sock.write(concat(Array.from({ length: n }, (_, f) => recorderBytes('img16', { moduleId: 1, header: headerFor('img16', f), pixels: pixelsFor('img16', f) }))));
  const records = await s.untilRecords(n);
  expect(records.map((r) => r.frameNumber)).toEqual(Array.from({ length: n }, (_, k) => k));
  for (const r of records) {
    const t = frameTime(timingPacket(headerFor('img16', r.frameNumber)));
    expect([r.wrSynchronised, BigInt(r.timeUnixSeconds) * 1_000_000_000n + BigInt(r.timeNanos)]).toEqual([t.wrSynchronised, t.unixNs]);
    Object.keys(rects).forEach((name, i) => {
      const e = expected(r.frameNumber, rects[name]!);
      expect(r.rois[i]).toEqual({ ...e, signal: e.sum, outsideImage: false });
    });
  }
});

it('refuses invalid ROIs with INVALID_ARGUMENT naming the ROI and the rule, and the node serves on', async () => {
  const { node } = await nodeFollowing();
  const refusal = async (req: RoiRequest) => {
    try {
      for await (const _ of node.client.streamRoiStats(req)) break;
    } catch (err) {
      return err as { code: Status; details: string };
    }
    throw new Error('not refused');
  };
  let e = await refusal(request([roi('ok', [0, 1, 0, 1]), roi('star', [30, 4, 0, 2])]));
  expect(e.code).toBe(Status.INVALID_ARGUMENT);
  expect(e.details).toBe('ROI "star": offset_x 30 + size_x 4 = 34 is beyond the image\'s 32 columns (must be inside the image)');
  e = await refusal(request([roi('sky', [0, 0, 0, 1])]));
  expect(e.details).toBe('ROI "sky": size_x 0 is below 1 (sizes must be ≥ 1)');
  e = await refusal(request([roi('star', [0, 2, 0, 2], [0, 2, 31, 2])]));
  expect(e.details).toContain('ROI "star" background: offset_y 31 + size_y 2 = 33');
  e = await refusal(request([{ name: 'norect', rect: undefined, background: undefined }]));
  expect(e.details).toBe('ROI "norect": rect is missing');
  e = await refusal(request(Array.from({ length: 65 }, (_, i) => roi(`r${i}`, [0, 1, 0, 1]))));
  expect(e.details).toBe('65 ROIs given; at most 64 are allowed');
  e = await refusal(request([roi('x'.repeat(65), [0, 1, 0, 1])]));
  expect(e.details).toContain('at most 64 are allowed');
  e = await refusal(request([roi('a', [0, 1, 0, 1])], { movie: false }));
  expect(e.code).toBe(Status.INVALID_ARGUMENT);
  expect(e.details).toContain('movie and pulse_height are both false');
  await expect(node.client.ping({})).resolves.toEqual({});
});

it('two clients with overlapping ROIs get the same numbers, one record per frame written, in order; each frame and distinct ROI is computed once', async () => {
  const { node, file } = await nodeFollowing();
  const before = await node.client.getRoiStatistics({});
  expect(before.framesProcessed).toBe(0);
  expect(before.lastFrameTime).toBeUndefined();
  const a = new RoiRecorder(node.client, request([roi('a', [0, 4, 0, 4]), roi('shared', [4, 4, 4, 4], [20, 2, 20, 2])]));
  const b = new RoiRecorder(node.client, request([roi('same-as-shared', [4, 4, 4, 4], [20, 2, 20, 2]), roi('full', [0, 32, 0, 32])], { batchLimit: 7 }));
  await streamsStarted(node, 2);
  const n = 300;
  await file.write(n, 4096);
  const [ra, rb] = await Promise.all([a.untilRecords(n), b.untilRecords(n)]);
  for (const records of [ra, rb]) {
    expect(records.length).toBe(n);
    expect(records.map((r) => r.frameNumber)).toEqual(Array.from({ length: n }, (_, k) => k));
    expect(records.map((r) => r.nodeSequence)).toEqual(Array.from({ length: n }, (_, k) => records[0]!.nodeSequence + k));
  }
  for (const r of b.responses) expect(r.records.length).toBeLessThanOrEqual(7);
  for (let k = 0; k < n; k++) expect(rb[k]!.rois[0]).toEqual(ra[k]!.rois[1]);
  const stats = await node.client.getRoiStatistics({});
  // Three distinct geometries (a, shared, full) per frame, however many clients asked.
  expect(stats.framesProcessed).toBe(n);
  expect(stats.roiComputations).toBe(3 * n);
  expect(stats.activeStreams).toBe(2);
  expect(stats.recordsSent).toBe(2 * n);
  expect(stats.nodeIncarnation).toBe(node.server.node.incarnation);
  expect(stats.lastFrameTime!.getTime()).toBeGreaterThanOrEqual(stats.startTime!.getTime());
});

it('a resume point continues after the last record received, without loss or duplicates; a foreign incarnation is a NODE_RESTART gap', async () => {
  const { node, file } = await nodeFollowing();
  const first = new RoiRecorder(node.client, request([roi('a', [0, 2, 0, 2])]));
  await streamsStarted(node, 1);
  await file.write(10);
  const got = await first.untilRecords(10);
  await first.cancel();
  const last = got[9]!;
  await file.write(10);
  const resumed = new RoiRecorder(node.client, request([roi('a', [0, 2, 0, 2])], { resume: { nodeIncarnation: first.responses[0]!.nodeIncarnation, afterSequence: last.nodeSequence } }));
  const rest = await resumed.untilRecords(10);
  expect(rest.map((r) => r.frameNumber)).toEqual(Array.from({ length: 10 }, (_, k) => 10 + k));
  expect(rest[0]!.nodeSequence).toBe(last.nodeSequence + 1);
  const foreign = new RoiRecorder(node.client, request([roi('a', [0, 2, 0, 2])], { resume: { nodeIncarnation: 'another', afterSequence: 5 } }));
  await foreign.until(() => foreign.responses.length > 0, 'a response');
  expect(foreign.responses[0]!.gap).toEqual({ firstMissingSequence: 6, count: 0, reason: FrameGap_Reason.NODE_RESTART });
});
