// A recorder in its own thread (so writing does not steal the bench's event loop): appends
// img16 frames to one file per module at a fixed rate, in batches, and reports when each
// frame's bytes were written (Unix ms, the same clock in every thread). With `socketPath` it
// writes to the node's recorder socket instead, as the recorder does: one connection, each
// frame prefixed with its 2-byte module id, waiting when the socket pushes back. Writes are synchronous:
// this thread does nothing else, and an async write per file and batch (16,000 a second in (b))
// cost the shared CPU a thread-pool hop and a promise each, CPU the server then lacked.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { DATA_PRODUCTS, formatDataFileName, formatHeader, formatRunDirName, pixelsToBytes, type QuaboPacket } from '@daqdata/core';

export interface RecorderJob {
  dataDir: string;
  modules: number[];
  /** Frames per second per module; 0 = as fast as possible. */
  fps: number;
  durationMs: number;
  batchMs: number;
  /** Report per-frame write times (latency runs). */
  reportTimes: boolean;
  /** Write to this recorder socket instead of files. */
  socketPath?: string;
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
// The pixels are the same in every frame and encoded once: at tens of thousands of frames/s
// re-encoding them per frame made this thread, not the node, the limit.
const pixelBytes = pixelsToBytes(dp, Array.from({ length: 1024 }, (_, i) => i));
const STAR_BYTE = Buffer.from('*');
const frame = (n: number) =>
  Buffer.concat([Buffer.from(formatHeader({ quabo_0: packet(n), quabo_1: packet(n), quabo_2: packet(n), quabo_3: packet(n) }, dp)), STAR_BYTE, pixelBytes]);


async function openSocket(path: string): Promise<Socket> {
  const s = connect(path);
  await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
  return s;
}
const socket = job.socketPath ? await openSocket(job.socketPath) : null;

/**
 * Appends frames [from, to) of every module: to each module's file, or interleaved on the
 * socket. Returns, for the socket, when it can take more (the write itself has happened).
 */
function append(from: number, to: number): Promise<unknown> | null {
  const frames = Array.from({ length: to - from }, (_, i) => frame(from + i));
  if (socket) {
    const bytes = Buffer.concat(frames.flatMap((f) => job.modules.flatMap((m) => [Buffer.from([m >> 8, m & 0xff]), f])));
    return socket.write(bytes) ? null : new Promise((r) => socket.once('drain', r));
  }
  const bytes = Buffer.concat(frames);
  for (const fd of fds) writeSync(fd, bytes);
  return null;
}

const fds = socket ? [] : job.modules.map((m) => {
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
    const drained = append(written, due);
    const t = now();
    if (job.reportTimes) for (let k = written; k < due; k++) writeTimes[k] = t;
    written = due;
    appends++;
    await drained;
  }
  if (job.fps !== 0) await new Promise((r) => setTimeout(r, job.batchMs));
  else await new Promise((r) => setImmediate(r));
}
for (const fd of fds) closeSync(fd);
if (socket) await new Promise<void>((resolve) => socket.end(resolve));
parentPort!.postMessage({ done: true, framesPerModule: written, appendsPerModule: appends, writeTimes } satisfies RecorderReport & { done: true });
