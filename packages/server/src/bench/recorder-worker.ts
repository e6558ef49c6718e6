// A recorder in its own thread (so writing does not steal the bench's event loop): appends
// img16 frames to one file per module at a fixed rate, in batches, and reports when each
// frame's bytes were written (Unix ms, the same clock in every thread).
import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { DATA_PRODUCTS, encodeFrame, formatDataFileName, formatRunDirName, type QuaboPacket } from '@daqdata/core';

export interface RecorderJob {
  dataDir: string;
  modules: number[];
  /** Frames per second per module; 0 = as fast as possible. */
  fps: number;
  durationMs: number;
  batchMs: number;
  /** Report per-frame write times (latency runs). */
  reportTimes: boolean;
}

export interface RecorderReport {
  framesPerModule: number;
  /** writeTimes[k] = Unix ms when frame k (of every module) was written. */
  writeTimes: number[];
}

const job = workerData as RecorderJob;
const dp = DATA_PRODUCTS.img16;
const now = () => performance.timeOrigin + performance.now();
const packet = (n: number): QuaboPacket => ({ pkt_num: n & 0xffff, pkt_tai: 500, pkt_nsec: n % 1e9, tv_sec: 1_700_000_000, tv_usec: 0 });
const pixels = Array.from({ length: 1024 }, (_, i) => i);
const frame = (n: number) => encodeFrame({ quabo_0: packet(n), quabo_1: packet(n), quabo_2: packet(n), quabo_3: packet(n) }, pixels, dp);

const handles = await Promise.all(
  job.modules.map(async (m) => {
    const dir = join(job.dataDir, `module_${m}`, formatRunDirName({ obs: 'bench', start: new Date('2025-01-01T00:00:00Z'), runtype: 'sci-data' }));
    mkdirSync(dir, { recursive: true });
    return open(join(dir, formatDataFileName({ start: new Date('2025-01-01T00:00:00Z'), dataProduct: 'img16', moduleId: m, seqno: 0 })), 'a');
  }),
);
parentPort!.postMessage({ ready: true });
await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));

const writeTimes: number[] = [];
const start = now();
let written = 0;
while (now() - start < job.durationMs) {
  const due = job.fps === 0 ? written + Math.max(1, Math.round(job.batchMs)) : Math.floor(((now() - start) / 1000) * job.fps);
  if (due > written) {
    const bytes = Buffer.concat(Array.from({ length: due - written }, (_, i) => frame(written + i)));
    await Promise.all(handles.map((h) => h.write(bytes)));
    const t = now();
    if (job.reportTimes) for (let k = written; k < due; k++) writeTimes[k] = t;
    written = due;
  }
  if (job.fps !== 0) await new Promise((r) => setTimeout(r, job.batchMs));
  else await new Promise((r) => setImmediate(r));
}
await Promise.all(handles.map((h) => h.close()));
parentPort!.postMessage({ done: true, framesPerModule: written, writeTimes } satisfies RecorderReport & { done: true });
