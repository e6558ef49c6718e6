// A recorder in its own thread (so writing does not steal the bench's event loop): appends
// img16 frames to one file per module at a fixed rate, in batches, and reports when each
// frame's bytes were written (Unix ms, the same clock in every thread). Writes are synchronous:
// this thread does nothing else, and an async write per file and batch (16,000 a second in (b))
// cost the shared CPU a thread-pool hop and a promise each, CPU the server then lacked.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
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
  /** Appends per file (batches): no reader can see more distinct states of a file than this. */
  appendsPerModule: number;
  /** writeTimes[k] = Unix ms when frame k (of every module) was written. */
  writeTimes: number[];
}

const job = workerData as RecorderJob;
const dp = DATA_PRODUCTS.img16;
const now = () => performance.timeOrigin + performance.now();
const packet = (n: number): QuaboPacket => ({ pkt_num: n & 0xffff, pkt_tai: 500, pkt_nsec: n % 1e9, tv_sec: 1_700_000_000, tv_usec: 0 });
const pixels = Array.from({ length: 1024 }, (_, i) => i);
const frame = (n: number) => encodeFrame({ quabo_0: packet(n), quabo_1: packet(n), quabo_2: packet(n), quabo_3: packet(n) }, pixels, dp);

const fds = job.modules.map((m) => {
  const dir = join(job.dataDir, `module_${m}`, formatRunDirName({ obs: 'bench', start: new Date('2025-01-01T00:00:00Z'), runtype: 'sci-data' }));
  mkdirSync(dir, { recursive: true });
  return openSync(join(dir, formatDataFileName({ start: new Date('2025-01-01T00:00:00Z'), dataProduct: 'img16', moduleId: m, seqno: 0 })), 'a');
});
parentPort!.postMessage({ ready: true });
await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));

const writeTimes: number[] = [];
const start = now();
let written = 0;
let appends = 0;
while (now() - start < job.durationMs) {
  const due = job.fps === 0 ? written + Math.max(1, Math.round(job.batchMs)) : Math.floor(((now() - start) / 1000) * job.fps);
  if (due > written) {
    const bytes = Buffer.concat(Array.from({ length: due - written }, (_, i) => frame(written + i)));
    for (const fd of fds) writeSync(fd, bytes);
    const t = now();
    if (job.reportTimes) for (let k = written; k < due; k++) writeTimes[k] = t;
    written = due;
    appends++;
  }
  if (job.fps !== 0) await new Promise((r) => setTimeout(r, job.batchMs));
  else await new Promise((r) => setImmediate(r));
}
for (const fd of fds) closeSync(fd);
parentPort!.postMessage({ done: true, framesPerModule: written, appendsPerModule: appends, writeTimes } satisfies RecorderReport & { done: true });
