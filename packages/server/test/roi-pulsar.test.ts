// The simulator's pulsing star through the whole path (issue 17): synthetic img16 frames at
// 1 kHz written to a real run directory, followed by a real node, ROI photometry streamed to a
// standard client; the frequency found in the light curve's periodogram is the simulator's
// truth within 0.1 Hz, and the folded profile pulses with the truth's depth.
import { join } from 'node:path';
import { DATA_PRODUCTS, formatDataFileName, foldLightCurve, strongestFrequency, type RoiFrameRecord } from '@daqdata/core';
import { PffWriter } from '@daqdata/core/node';
import { syntheticFrames, type PulsarOptions } from '@daqdata/sim';
import { expect, it } from 'vitest';
import { RUN_START, perTestNodes, runDir, streamsStarted } from './helpers.js';

const { cleanups, node: startNode } = perTestNodes();

it('a 30.3 Hz pulsar at 1 kHz frames: the ROI light curve gives its frequency within 0.1 Hz', async () => {
  const node = await startNode();
  const dataDir = join(node.root, 'data');
  const dir = await runDir(dataDir, 1);
  const writer = await PffWriter.open(join(dir, formatDataFileName({ start: RUN_START, dataProduct: 'img16', moduleId: 1, seqno: 0 })), DATA_PRODUCTS.img16);
  cleanups.push(() => writer.close());
  expect(await node.client.initHpIo({ dataDir, updateIntervalSeconds: 0.001 })).toEqual({ success: true, errorMessage: '' });

  const truth: Required<PulsarOptions> = { frequencyHz: 30.3, x: 16, y: 16, peak: 4_000, depth: 0.5 };
  const n = 3_000;
  const records: RoiFrameRecord[] = [];
  const abort = new AbortController();
  cleanups.push(async () => abort.abort());
  const consumed = (async () => {
    const request = { rois: [{ name: 'pulsar', rect: { offsetX: 13, sizeX: 6, offsetY: 13, sizeY: 6 }, background: { offsetX: 0, sizeX: 32, offsetY: 0, sizeY: 4 } }], moduleIds: [1], movie: true, pulseHeight: false };
    for await (const r of node.client.streamRoiStats(request, { signal: abort.signal })) {
      records.push(...r.records);
      if (records.length >= n) return;
    }
  })();
  await streamsStarted(node, 1);
  const frames = syntheticFrames({ moduleId: 1, dataProduct: 'img16', startNs: 1_754_112_728_000_000_000n, rate: 1000, seed: 7, stars: 0, pulsar: truth });
  for (let k = 0; k < n; k++) {
    const f = frames.next().value;
    await writer.append(f.header, f.pixels);
  }
  await consumed;
  abort.abort();

  expect(records.map((r) => r.frameNumber)).toEqual(Array.from({ length: n }, (_, k) => k));
  expect(records.every((r) => r.wrSynchronised)).toBe(true);
  const t0 = records[0]!.timeUnixSeconds;
  const t = records.map((r) => r.timeUnixSeconds - t0 + r.timeNanos / 1e9);
  const y = records.map((r) => r.rois[0]!.signal);
  const found = strongestFrequency(t, y, { minHz: 1, maxHz: 200 });
  expect(Math.abs(found.frequencyHz - truth.frequencyHz)).toBeLessThan(0.1);
  // Folded at the truth, the pulse's amplitude over its mean is the depth (Poisson noise aside).
  const profile = foldLightCurve(t, y, truth.frequencyHz, 10);
  const mean = profile.reduce((a, b) => a + b, 0) / profile.length;
  const amplitude = (Math.max(...profile) - Math.min(...profile)) / 2;
  expect(amplitude / mean).toBeGreaterThan(truth.depth * 0.8);
  expect(amplitude / mean).toBeLessThan(truth.depth * 1.1);
});
