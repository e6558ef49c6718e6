// Bench: ROI photometry at the node (issue 17). Figures only. 8 img16 modules written at
// 1,000 frames/s each (a worker thread appending to real PFF files, each write's frames
// stamped with the write's wall-clock time as their White Rabbit time) for a few seconds, in
// two node processes per run, interleaved: one serving previews only (one 'latest' client at
// 0.1 s), one serving the same previews plus one roiStats client with 8 ROIs on every module.
// Reported: ROI records/s and records lost (gaps), node CPU seconds of each (the difference is
// the ROI work: reading every frame, ring, ROI sums, records), and the latency from append to
// record at the client, p50 / p99. Each figure is min / median / max of 3 runs, `uptime` beside.
import type { NamedRoi } from '@daqdata/core';
import { cpuSeconds, now, startServerChild } from '@daqdata/server/bench/server-child';
import { DaqClient } from '../daq-client.js';
import { MODULES, mmm, serverMain, startWriter, uptime, waitForStream, withDataDir } from './frame-writer.js';

const RUNS = Number(process.env.BENCH_ROI_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_ROI_SECONDS ?? 5);
const RATE = 1000;
/** 8 frames per write: 125 reads/s per module, as the every-frame bench's preview run. */
const FRAMES_PER_WRITE = 8;

/** 8 ROIs: 4×4 squares along the diagonal, every other one with a background strip. */
const ROIS: NamedRoi[] = Array.from({ length: 8 }, (_, i) => ({ name: `r${i}`, rect: [i * 4, 4, i * 4, 4], ...(i % 2 ? { background: [0, 32, 0, 1] as const } : {}) }));

interface RoiRun {
  previewCpuS: number;
  roiCpuS: number;
  records: number;
  lost: number;
  recordsPerS: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** One node process, previews (and, with `roi`, a roiStats client) while the writer writes SECONDS of frames. */
async function nodeRun(roi: boolean): Promise<{ cpuS: number; records: number; lost: number; spanS: number; latenciesMs: number[] }> {
  return withDataDir(async (dataDir) => {
    const writer = startWriter({ dataDir, dp: 'img16', framesPerModule: RATE * SECONDS, rate: RATE, framesPerWrite: FRAMES_PER_WRITE, stampTime: true });
    await writer.ready;
    const server = await startServerChild(serverMain, ['--allow-root', dataDir, '--data-dir', dataDir, '--min-interval', '0.001']);
    const client = DaqClient.fromAddresses([`127.0.0.1:${server.port}`]);
    try {
      const controller = new AbortController();
      let previews = 0;
      const consumingPreviews = (async () => {
        for await (const _ of client.streamImages({ movie: true, pulseHeight: false, updateIntervalSeconds: 0.1, signal: controller.signal })) previews++;
      })();
      let records = 0;
      let lost = 0;
      let first = Number.NaN;
      let last = Number.NaN;
      const latenciesMs: number[] = [];
      const total = RATE * SECONDS * MODULES;
      let allIn: () => void = () => {};
      const done = new Promise<void>((resolve) => (allIn = resolve));
      const consumingRois = roi
        ? (async () => {
            for await (const r of client.roiStats({ rois: ROIS, movie: true, pulseHeight: false, updateIntervalSeconds: 0.001, signal: controller.signal, onGap: (g) => (lost += g.count ?? 0) })) {
              const at = now();
              if (records === 0) first = at;
              last = at;
              records++;
              if (r.time) latenciesMs.push(at - Number(r.time.unixNs) / 1e6);
              if (records + lost >= total) allIn();
            }
          })()
        : Promise.resolve();
      await waitForStream(client, server.port);
      // The ROI stream must be open on the node before the first frame, or its modules are not yet read in full.
      while (roi && (await client.roiStatistics(`127.0.0.1:${server.port}`)).activeStreams === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const cpu0 = cpuSeconds(server.proc.pid!);
      writer.go();
      await writer.done;
      // With a ROI client: until every frame's record (or its gap) is in, at most 10 s more.
      if (roi) await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      const cpuS = cpuSeconds(server.proc.pid!) - cpu0;
      controller.abort();
      await Promise.all([consumingPreviews, consumingRois]);
      if (previews === 0) throw new Error('the preview client received nothing');
      return { cpuS, records, lost, spanS: (last - first) / 1000, latenciesMs };
    } finally {
      await client.close();
      await server.stop();
    }
  });
}

async function main(): Promise<void> {
  console.log(`ROI bench: ${MODULES} img16 modules x ${RATE} frames/s for ${SECONDS} s; ${ROIS.length} ROIs per module; min / median / max of ${RUNS} runs`);
  console.log(`uptime: ${uptime()}`);
  const runs: RoiRun[] = [];
  for (let r = 0; r < RUNS; r++) {
    const preview = await nodeRun(false);
    const withRoi = await nodeRun(true);
    const sorted = [...withRoi.latenciesMs].sort((a, b) => a - b);
    runs.push({
      previewCpuS: preview.cpuS,
      roiCpuS: withRoi.cpuS,
      records: withRoi.records,
      lost: withRoi.lost,
      recordsPerS: withRoi.records / withRoi.spanS,
      latencyP50Ms: quantile(sorted, 0.5),
      latencyP99Ms: quantile(sorted, 0.99),
    });
    console.log(`  run ${r + 1}: uptime: ${uptime()}`);
  }
  console.log(`records/s ${mmm(runs.map((r) => r.recordsPerS))}; records ${mmm(runs.map((r) => r.records))} of ${RATE * SECONDS * MODULES}, lost (gaps) ${mmm(runs.map((r) => r.lost))}`);
  console.log(`node CPU s, previews only ${mmm(runs.map((r) => r.previewCpuS), 2)}; previews + ROI client ${mmm(runs.map((r) => r.roiCpuS), 2)}`);
  // Within each run (the two nodes interleaved): what the ROI client adds, in CPU seconds and as a ratio.
  console.log(`ROI work, node CPU s (difference within a run) ${mmm(runs.map((r) => r.roiCpuS - r.previewCpuS), 2)}; ratio ROI / previews-only ${mmm(runs.map((r) => r.roiCpuS / r.previewCpuS), 2)}; node CPU per second written, with ROI ${mmm(runs.map((r) => r.roiCpuS / SECONDS), 2)}`);
  console.log(`latency append -> record at the client, ms: p50 ${mmm(runs.map((r) => r.latencyP50Ms), 1)}; p99 ${mmm(runs.map((r) => r.latencyP99Ms), 1)}`);
  console.log(`uptime: ${uptime()}`);
}

await main();
