// The SDK's roiStats over real DAQ node processes (issue 17): every frame's ROI stats from
// many nodes, in order per node, named by the caller's ROIs; a node killed and restarted
// mid-stream resumes with no duplicate and one exact gap (the every-frame tracker); RxJS face;
// the sync face in a child process (plain for...of, no await), as a user's script runs it.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { roiStats, type NamedRoi } from '@daqdata/core';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { DaqClient, type FrameGapEvent, type RoiRecord } from '../src/index.js';
import { startDaqNode } from './helpers/daq-node-process.js';
import { pixelsFor } from './helpers/images.js';
import { followedNode, serving, write } from './helpers/followed-node.js';
import { until } from './helpers/wait.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 200 };

// ph256 is 16×16: 'wide' fits only a 32×32 image, so its value is null on these frames.
const ROIS: NamedRoi[] = [
  { name: 'star', rect: [3, 4, 5, 2], background: [0, 16, 15, 1] },
  { name: 'corner', rect: [15, 1, 15, 1] },
  { name: 'wide', rect: [0, 32, 0, 1] },
];

/** What a frame's record must say, from its pixels (core's roiStats, checked against a brute-force reference there). */
function check(records: RoiRecord[], written: number): void {
  expect(records.map((r) => r.frameNumber)).toEqual(Array.from({ length: written }, (_, k) => k));
  expect(records.map((r) => r.sequence - records[0]!.sequence)).toEqual(Array.from({ length: written }, (_, k) => k));
  for (const r of records) {
    const pixels = pixelsFor('ph256', r.frameNumber);
    expect(r.type).toBe('pulse-height');
    expect(r.rois.star).toEqual(roiStats(pixels, 16, ROIS[0]!));
    expect(r.rois.corner).toEqual(roiStats(pixels, 16, ROIS[1]!));
    expect(r.rois.wide).toBeNull();
    expect(r.time).toMatchObject({ wrSynchronised: true, unixNs: 1_754_112_728n * 1_000_000_000n + BigInt(1000 * r.frameNumber) });
  }
}

describe('roiStats through the SDK', () => {
  it('delivers every frame’s ROI stats from two nodes, in order per node, named by the ROIs', async () => {
    const a = await followedNode(1, 'roi', cleanups);
    const b = await followedNode(2, 'roi', cleanups);
    await using client = DaqClient.fromAddresses([a.node.address, b.node.address], { reconnect: FAST_RECONNECT });
    const stream = client.roiStats({ rois: ROIS, movie: false, pulseHeight: true });
    const first = stream.next();
    await Promise.all([serving(a.node), serving(b.node)]);
    await Promise.all([write(a, 60), write(b, 40)]);
    const records: RoiRecord[] = [(await first).value as RoiRecord];
    for await (const r of stream) {
      records.push(r);
      if (records.length === 100) break;
    }
    for (const [f, moduleId] of [[a, 1], [b, 2]] as const) {
      const mine = records.filter((r) => r.host === f.node.address);
      expect(mine.every((r) => r.moduleId === moduleId)).toBe(true);
      check(mine, f.written);
      const stats = await client.roiStatistics(f.node.address);
      expect(stats).toMatchObject({ framesProcessed: f.written, roiComputations: 3 * f.written, recordsSent: f.written });
    }
  });

  it('a node killed and restarted mid-stream: resumed with no duplicate and one gap whose count is exact', async () => {
    const a = await followedNode(1, 'roi', cleanups);
    await using client = DaqClient.fromAddresses([a.node.address], { reconnect: FAST_RECONNECT });
    const gaps: FrameGapEvent[] = [];
    const stream = client.roiStats({ rois: ROIS, movie: false, pulseHeight: true, onGap: (g) => gaps.push(g) });
    const records: RoiRecord[] = [];
    const takeN = async (n: number) => {
      for (let i = 0; i < n; i++) records.push((await stream.next()).value as RoiRecord);
    };
    const first = takeN(10);
    await serving(a.node);
    await write(a, 10);
    await first;
    await a.node.kill();
    await write(a, 7);
    a.node = await startDaqNode({ port: a.node.port, dataRoot: a.dataDir, dataDir: a.dataDir, name: 'roi-1' });
    cleanups.push(() => a.node.kill());
    await serving(a.node);
    const rest = takeN(5);
    await write(a, 5);
    await rest;
    expect(records.map((r) => r.frameNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 18, 19, 20, 21]);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ reason: 'node-restart', count: 7, moduleId: 1, kind: 'pulse-height', firstMissingFrame: 10 });
    expect(new Set(records.map((r) => r.incarnation)).size).toBe(2);
    await stream.return(undefined);
  });

  it('the RxJS face streams every frame’s record', async () => {
    const a = await followedNode(4, 'roi', cleanups);
    await using client = DaqClient.fromAddresses([a.node.address], { reconnect: FAST_RECONNECT });
    const all = firstValueFrom(client.roiStats$({ rois: ROIS, movie: false, pulseHeight: true }).pipe(take(25), toArray()));
    await serving(a.node);
    await write(a, 25);
    check(await all, 25);
  });

  it('the sync face: invalid ROIs thrown by the call, then every frame’s record in a plain for...of, and the statistics', async () => {
    const a = await followedNode(5, 'roi', cleanups);
    const child = promisify(execFile)(process.execPath, [fileURLToPath(new URL('./helpers/sync-face-child.mjs', import.meta.url)), 'roi-stats', '30', a.node.address], {
      timeout: 80_000,
      env: { ...process.env, DAQ_TEST_ROIS: JSON.stringify(ROIS) },
    });
    // The child's stream is open on the node before the first frame is written. A child process
    // and its worker thread load the SDK first: seconds on a loaded machine, hence the wide bound.
    const ended = child.then((r) => Promise.reject(new Error(`the child ended before its stream was open: ${r.stdout}`)));
    await Promise.race([until(`${a.node.address} serving the child's stream`, async () => (await a.node.activeStreams()) === 1, 45_000), ended]);
    await write(a, 30);
    const out = JSON.parse((await child).stdout.trim().split('\n').at(-1)!) as { refused: unknown; records: RoiRecord[]; openCallsAfterBreak: number; statistics: unknown };
    expect(out.refused).toEqual({ name: 'RangeError', message: 'roiStats: ROI "star": offset_x -1 is negative (offsets must be ≥ 0)' });
    const records = out.records.map((r) => ({ ...r, time: r.time && { ...r.time, unixNs: BigInt(r.time.unixNs) } }));
    expect(records.every((r) => r.host === a.node.address && r.moduleId === 5)).toBe(true);
    check(records, 30);
    expect(out.openCallsAfterBreak).toBe(0);
    expect(out.statistics).toEqual({ framesProcessed: 30, roiComputations: 3 * 30, recordsSent: 30, startTimeIsDate: true });
    // A bound for a stuck child, not a speed check: it took 32 s at load 39 on 2 cores.
  }, 90_000);

  it('refuses invalid ROIs before calling any node, naming the ROI and the rule', async () => {
    await using client = DaqClient.fromAddresses(['127.0.0.1:1']);
    await expect(client.roiStats({ rois: [{ name: 'star', rect: [-1, 2, 0, 2] }] }).next()).rejects.toThrow('roiStats: ROI "star": offset_x -1 is negative (offsets must be ≥ 0)');
  });
});
