// What the node benches share: a writer thread appending frames of 8 modules to real PFF files
// (as fast as possible, or at a fixed rate), a temporary data directory laid out as the
// recorder's, the daq-server executable, "the stream is open" from outside, and figures as
// min / median / max. The writer runs in a worker thread: this file is also its entry point.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { DATA_PRODUCTS, encodeFrame, formatDataFileName, formatRunDirName, type DataProduct, type FrameHeader } from '@daqdata/core';
import { PffWriter } from '@daqdata/core/node';
import { now } from '@daqdata/server/bench/server-child';
import type { DaqClient } from '../daq-client.js';

export const MODULES = 8;

export interface WriterJob {
  dataDir: string;
  dp: DataProduct;
  framesPerModule: number;
  /** Frames per second per module; 0: as fast as possible. */
  rate: number;
  /** Frames appended per write call (a recorder's buffered write). */
  framesPerWrite: number;
  /** Each write's frames carry the wall-clock time of the write as their (synchronised) White Rabbit time: latency from append to delivery is then measurable. */
  stampTime?: boolean;
  /** The files' sequence number (0: the run's first files; 1: their rollover, a second burst on the same node). */
  seqno?: number;
}

function header(dp: DataProduct, n: number, unixNs?: bigint): FrameHeader {
  const sec = unixNs === undefined ? 1_754_112_728 : Number(unixNs / 1_000_000_000n);
  const nsec = unixNs === undefined ? (n * 1000) % 1e9 : Number(unixNs % 1_000_000_000n);
  const p = { pkt_num: n & 0xffff, pkt_tai: (sec + 37) % 1024, pkt_nsec: nsec, tv_sec: sec, tv_usec: Math.floor(nsec / 1000) };
  return DATA_PRODUCTS[dp].headerLayout === 'flat' ? { ...p, quabo_num: n % 4 } : { quabo_0: p, quabo_1: p, quabo_2: p, quabo_3: p };
}

function pixels(dp: DataProduct, n: number): number[] {
  const info = DATA_PRODUCTS[dp];
  return Array.from({ length: info.rows * info.cols }, (_, i) => ((i * 7919 + n) % 4096) - (info.signed ? 2048 : 0));
}

function runDir(dataDir: string, moduleId: number): string {
  return join(dataDir, `module_${moduleId}`, formatRunDirName({ obs: 'Bench', start: '2025-08-02T05:31:00Z', runtype: 'sci-data' }));
}

export function filePath(dataDir: string, dp: DataProduct, moduleId: number, seqno = 0): string {
  return join(runDir(dataDir, moduleId), formatDataFileName({ start: '2025-08-02T05:31:36Z', dataProduct: dp, moduleId, seqno }));
}

/** The writer thread: appends every module's frames in rounds of framesPerWrite; reports the seconds it took. */
async function writerThread(job: WriterJob): Promise<void> {
  const encodeChunk = (t?: bigint) => Buffer.concat(Array.from({ length: job.framesPerWrite }, (_, n) => encodeFrame(header(job.dp, n, t), pixels(job.dp, n), DATA_PRODUCTS[job.dp])));
  const fixed = encodeChunk();
  const writers = await Promise.all(Array.from({ length: MODULES }, (_, m) => PffWriter.open(filePath(job.dataDir, job.dp, m + 1, job.seqno), DATA_PRODUCTS[job.dp])));
  parentPort!.postMessage({ ready: true });
  await new Promise((resolve) => parentPort!.once('message', resolve));
  const start = now();
  for (let written = 0; written < job.framesPerModule; written += job.framesPerWrite) {
    if (job.rate > 0) {
      const due = start + (written / job.rate) * 1000;
      if (due > now()) await new Promise((resolve) => setTimeout(resolve, due - now()));
    }
    const chunk = job.stampTime ? encodeChunk(BigInt(Math.round(now() * 1e6))) : fixed;
    await Promise.all(writers.map((w) => w.appendRaw(chunk)));
  }
  await Promise.all(writers.map((w) => w.close()));
  parentPort!.postMessage({ seconds: (now() - start) / 1000 });
}

export function startWriter(job: WriterJob): { ready: Promise<void>; go(): void; done: Promise<number> } {
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

// The daq-server executable as shipped, beside the server package's entry point (dist/index.js),
// or the one DAQ_BENCH_SERVER names (e.g. another checkout's, or dist/daemon/main.js unbundled
// for a profile with readable names).
export const serverMain = process.env.DAQ_BENCH_SERVER ?? join(dirname(fileURLToPath(import.meta.resolve('@daqdata/server'))), 'bundle', 'daq-server.js');

export async function withDataDir<T>(fn: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daq-bench-every-'));
  try {
    for (let m = 1; m <= MODULES; m++) await mkdir(runDir(dataDir, m), { recursive: true });
    return await fn(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Resolves once the stream is open on the node, near enough: the SDK says 'connected' just
 * before it sends its request, and pings sent after that on the same connection are answered
 * after the node has taken the stream's request.
 */
export async function waitForStream(client: DaqClient, port: number): Promise<void> {
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

export const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
export const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
export function mmm(values: number[], d = 0): string {
  const s = [...values].sort((a, b) => a - b);
  return `${fmt(s[0]!, d)} / ${fmt(s[Math.floor(s.length / 2)]!, d)} / ${fmt(s.at(-1)!, d)}`;
}

if (!isMainThread) await writerThread(workerData as WriterJob);
