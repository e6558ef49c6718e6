// Bench: every-frame delivery, disk -> parsed images in the SDK (issue 13). Figures only.
// (a) 8 modules of ph256, then of img16, written as fast as a recorder can (a worker thread
//     appending to real PFF files) while one SDK client streams them from a real node process:
//     images/s delivered with delivery 'every-frame' and with 'latest' on the same kind of data,
//     next to the core reader's own parse rate over the same files in the same run; frames
//     lost (gap records) if any; node CPU seconds and RSS at the end (the ring full).
// (b) a preview-only node (one 'latest' client at 0.1 s; 8 img16 modules at a fixed rate): node
//     CPU seconds for the same work, with this node and, when DAQ_BENCH_BASE_SERVER names
//     another daq-server executable (e.g. one built from the commit before this change), with
//     that one: every-frame support must not make a preview-only node cost more.
// Each figure is min / median / max of 3 runs, with `uptime` beside.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  DATA_PRODUCTS,
  PffWriter,
  encodeFrame,
  formatDataFileName,
  formatRunDirName,
  readPffFile,
  type DataProduct,
  type FrameHeader,
} from '@daqdata/core';
import { cpuSeconds, now, rssMb, startServerChild } from '@daqdata/server/bench/server-child';
import { DaqClient } from '../daq-client.js';

const MODULES = 8;
const RUNS = Number(process.env.BENCH_EVERY_RUNS ?? 3);
const FRAMES_PER_MODULE = Number(process.env.BENCH_EVERY_FRAMES ?? 20_000);
/** Appended per write call when writing as fast as possible (a recorder's buffered write). */
const FRAMES_PER_WRITE = 64;

/** Preview-only run: small writes, so the node reads (and its per-read cost shows) often: 125 reads/s per module. */
const PREVIEW_FRAMES_PER_WRITE = 8;

interface WriterJob {
  dataDir: string;
  dp: DataProduct;
  framesPerModule: number;
  /** Frames per second per module; 0: as fast as possible. */
  rate: number;
  /** Frames appended per write call (a recorder's buffered write). */
  framesPerWrite: number;
}

function header(dp: DataProduct, n: number): FrameHeader {
  const p = { pkt_num: n & 0xffff, pkt_tai: (1_754_112_728 + 37) % 1024, pkt_nsec: (n * 1000) % 1e9, tv_sec: 1_754_112_728, tv_usec: n % 1e6 };
  return DATA_PRODUCTS[dp].headerLayout === 'flat' ? { ...p, quabo_num: n % 4 } : { quabo_0: p, quabo_1: p, quabo_2: p, quabo_3: p };
}

function pixels(dp: DataProduct, n: number): number[] {
  const info = DATA_PRODUCTS[dp];
  return Array.from({ length: info.rows * info.cols }, (_, i) => ((i * 7919 + n) % 4096) - (info.signed ? 2048 : 0));
}

function runDir(dataDir: string, moduleId: number): string {
  return join(dataDir, `module_${moduleId}`, formatRunDirName({ obs: 'Bench', start: '2025-08-02T05:31:00Z', runtype: 'sci-data' }));
}

function filePath(dataDir: string, dp: DataProduct, moduleId: number): string {
  return join(runDir(dataDir, moduleId), formatDataFileName({ start: '2025-08-02T05:31:36Z', dataProduct: dp, moduleId, seqno: 0 }));
}

/** The writer thread: appends every module's frames in rounds of FRAMES_PER_WRITE; reports the seconds it took. */
async function writerThread(job: WriterJob): Promise<void> {
  const chunk = Buffer.concat(Array.from({ length: job.framesPerWrite }, (_, n) => encodeFrame(header(job.dp, n), pixels(job.dp, n), DATA_PRODUCTS[job.dp])));
  const writers = await Promise.all(Array.from({ length: MODULES }, (_, m) => PffWriter.open(filePath(job.dataDir, job.dp, m + 1), DATA_PRODUCTS[job.dp])));
  parentPort!.postMessage({ ready: true });
  await new Promise((resolve) => parentPort!.once('message', resolve));
  const start = now();
  for (let written = 0; written < job.framesPerModule; written += job.framesPerWrite) {
    if (job.rate > 0) {
      const due = start + (written / job.rate) * 1000;
      if (due > now()) await new Promise((resolve) => setTimeout(resolve, due - now()));
    }
    await Promise.all(writers.map((w) => w.appendRaw(chunk)));
  }
  await Promise.all(writers.map((w) => w.close()));
  parentPort!.postMessage({ seconds: (now() - start) / 1000 });
}

function startWriter(job: WriterJob): { ready: Promise<void>; go(): void; done: Promise<number> } {
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: job });
  let go = () => {};
  const ready = new Promise<void>((resolve) => {
    worker.once('message', () => {
      go = () => worker.postMessage('go');
      resolve();
    });
  });
  const done = ready.then(
    () =>
      new Promise<number>((resolve, reject) => {
        worker.once('message', (m: { seconds: number }) => resolve(m.seconds));
        worker.once('error', reject);
      }),
  );
  return { ready, go: () => go(), done };
}

// The daq-server executable as shipped, beside the server package's entry point (dist/index.js).
const serverMain = join(dirname(fileURLToPath(import.meta.resolve('@daqdata/server'))), 'bundle', 'daq-server.js');

async function withDataDir<T>(dp: DataProduct, fn: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daq-bench-every-'));
  try {
    for (let m = 1; m <= MODULES; m++) await mkdir(runDir(dataDir, m), { recursive: true });
    void dp;
    return await fn(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface ThroughputRun {
  delivered: number;
  lost: number;
  deliveredPerS: number;
  writeS: number;
  coreParsePerS: number;
  serverCpuS: number;
  serverRssMb: number;
  /** CPU seconds of this process (the SDK client; the writer thread included). */
  clientCpuS: number;
}

/** One run: a fresh node following a fresh directory, one SDK client with `delivery`, the writer as fast as it can. */
async function throughputRun(dp: DataProduct, delivery: 'every-frame' | 'latest'): Promise<ThroughputRun> {
  return withDataDir(dp, async (dataDir) => {
    const writer = startWriter({ dataDir, dp, framesPerModule: FRAMES_PER_MODULE, rate: 0, framesPerWrite: FRAMES_PER_WRITE });
    await writer.ready;
    const server = await startServerChild(serverMain, ['--allow-root', dataDir, '--data-dir', dataDir, '--min-interval', '0.001']);
    const client = DaqClient.fromAddresses([`127.0.0.1:${server.port}`]);
    try {
      const total = FRAMES_PER_MODULE * MODULES;
      let lost = 0;
      const kind = DATA_PRODUCTS[dp].kind;
      const controller = new AbortController();
      const stream = client.streamImages({
        delivery,
        movie: kind === 'movie',
        pulseHeight: kind === 'pulse-height',
        updateIntervalSeconds: 0.001,
        signal: controller.signal,
        onGap: (g) => (lost += g.count ?? 0),
      });
      const first = stream.next();
      // The stream is open once the node counts it: a latest stream then has the newest frames at once.
      await waitForStream(client, server.port);
      const cpu0 = cpuSeconds(server.proc.pid!);
      const clientCpu0 = process.cpuUsage();
      writer.go();
      let delivered = (await first).done ? 0 : 1;
      const t0 = now();
      let last = t0;
      let writeS = Number.NaN;
      void writer.done.then((s) => (writeS = s));
      // every-frame: until every frame is delivered or reported lost; both: until quiet for 5 s after the writer.
      const quiet = () => new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), 5000));
      for (;;) {
        if (delivery === 'every-frame' && delivered + lost >= total) break;
        const next = await Promise.race([stream.next(), Number.isNaN(writeS) ? new Promise<never>(() => {}) : quiet()]);
        if (next === 'quiet' || next.done) break;
        delivered++;
        last = now();
      }
      const serverCpuS = cpuSeconds(server.proc.pid!) - cpu0;
      const serverRssMb = rssMb(server.proc.pid!);
      const clientCpu = process.cpuUsage(clientCpu0);
      const clientCpuS = (clientCpu.user + clientCpu.system) / 1e6;
      controller.abort();
      await writer.done;
      // The core reader over the same files, in the same run: its own parse rate.
      const c0 = now();
      let parsed = 0;
      for (let m = 1; m <= MODULES; m++) parsed += (await readPffFile(filePath(dataDir, dp, m))).frames.length;
      const coreParsePerS = parsed / ((now() - c0) / 1000);
      return { delivered, lost, deliveredPerS: delivered / ((last - t0) / 1000), writeS, coreParsePerS, serverCpuS, serverRssMb, clientCpuS };
    } finally {
      await client.close();
      await server.stop();
    }
  });
}

/**
 * Resolves once the stream is open on the node, near enough: the SDK says 'connected' just
 * before it sends StreamImages, and pings sent after that on the same connection are answered
 * after the node has taken the stream's request.
 */
async function waitForStream(client: DaqClient, port: number): Promise<void> {
  const host = `127.0.0.1:${port}`;
  if (client.hostStates()[host] !== 'connected') {
    await new Promise<void>((resolve) => {
      const off = client.onStatus((e) => {
        if (e.type === 'connected' && e.host === host) {
          off();
          resolve();
        }
      });
    });
  }
  for (let i = 0; i < 3; i++) await client.ping(host, { timeoutMs: 5000 });
}

/** A preview-only node's CPU for fixed work: 8 img16 modules at `rate` frames/s each, one latest client at 0.1 s. */
async function previewRun(main: string, rate: number, seconds: number): Promise<number> {
  return withDataDir('img16', async (dataDir) => {
    const writer = startWriter({ dataDir, dp: 'img16', framesPerModule: rate * seconds, rate, framesPerWrite: PREVIEW_FRAMES_PER_WRITE });
    await writer.ready;
    const server = await startServerChild(main, ['--allow-root', dataDir, '--data-dir', dataDir]);
    const client = DaqClient.fromAddresses([`127.0.0.1:${server.port}`]);
    try {
      const controller = new AbortController();
      let images = 0;
      const consuming = (async () => {
        for await (const _ of client.streamImages({ movie: true, pulseHeight: false, updateIntervalSeconds: 0.1, signal: controller.signal })) images++;
      })();
      await waitForStream(client, server.port);
      const cpu0 = cpuSeconds(server.proc.pid!);
      writer.go();
      await writer.done;
      const cpu = cpuSeconds(server.proc.pid!) - cpu0;
      controller.abort();
      await consuming;
      if (images === 0) throw new Error('the preview client received nothing');
      return cpu;
    } finally {
      await client.close();
      await server.stop();
    }
  });
}

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
function mmm(values: number[], d = 0): string {
  const s = [...values].sort((a, b) => a - b);
  return `${fmt(s[0]!, d)} / ${fmt(s[Math.floor(s.length / 2)]!, d)} / ${fmt(s.at(-1)!, d)}`;
}

async function main(): Promise<void> {
  console.log(`every-frame bench: ${MODULES} modules x ${FRAMES_PER_MODULE} frames written as fast as possible; min / median / max of ${RUNS} runs`);
  console.log(`uptime: ${uptime()}`);
  const products = (process.env.BENCH_EVERY_PRODUCTS ?? 'ph256,img16').split(',').filter(Boolean) as DataProduct[];
  for (const dp of products) {
    for (const delivery of ['every-frame', 'latest'] as const) {
      const runs: ThroughputRun[] = [];
      for (let r = 0; r < RUNS; r++) runs.push(await throughputRun(dp, delivery));
      console.log(`${dp} ${delivery}: delivered images/s ${mmm(runs.map((r) => r.deliveredPerS))}; delivered ${mmm(runs.map((r) => r.delivered))} of ${FRAMES_PER_MODULE * MODULES}, lost (gaps) ${mmm(runs.map((r) => r.lost))}`);
      console.log(`  core reader parse frames/s (same files, same run) ${mmm(runs.map((r) => r.coreParsePerS))}; writer frames/s ${mmm(runs.map((r) => (FRAMES_PER_MODULE * MODULES) / r.writeS))}`);
      console.log(`  node CPU s ${mmm(runs.map((r) => r.serverCpuS), 2)}; node RSS MB at the end ${mmm(runs.map((r) => r.serverRssMb))}; client process CPU s ${mmm(runs.map((r) => r.clientCpuS), 2)}`);
      console.log(`  uptime: ${uptime()}`);
    }
  }
  const rate = 1000;
  const seconds = 5;
  const servers: Array<[string, string]> = [['this node', serverMain]];
  if (process.env.DAQ_BENCH_BASE_SERVER) servers.push(['base node', process.env.DAQ_BENCH_BASE_SERVER]);
  // Interleaved (this, base, this, base, ...) so that a change in the machine's load falls on both.
  const cpu = new Map<string, number[]>(servers.map(([label]) => [label, []]));
  for (let r = 0; r < RUNS; r++) for (const [label, main] of servers) cpu.get(label)!.push(await previewRun(main, rate, seconds));
  for (const [label] of servers) {
    console.log(`preview-only, ${label}: 8 img16 modules x ${rate} frames/s (${PREVIEW_FRAMES_PER_WRITE} per write) for ${seconds} s, one latest client at 0.1 s: node CPU s ${mmm(cpu.get(label)!, 2)}`);
  }
  console.log(`  uptime: ${uptime()}`);
  if (!process.env.DAQ_BENCH_BASE_SERVER) console.log('preview-only before/after: set DAQ_BENCH_BASE_SERVER to a daq-server built without this change to compare');
}

if (isMainThread) await main();
else await writerThread(workerData as WriterJob);
