// Server benchmarks (npm run bench -w packages/server). Figures only, no pass/fail:
// (a) append-to-client latency at the minimum interval: frames 50 ms apart, then with the
//     recorder writing 1,000 frames/s to the same module;
// (b) delivered frames/s to 1 and to 10 clients at the minimum interval;
// (c) 45 modules x 1,000 img16 frames/s written while 20 clients stream at 10 Hz: server CPU,
//     RSS, fraction of expected updates each client got;
// (d) process start to first Ping; idle CPU and RSS with 10 connected clients and no data;
// (e) recorder socket beside the file path in one run: write-to-client latency at 20 and 1,000
//     frames/s, and the most frames/s one recorder connection sustains (the writer blocks when
//     the node falls behind) next to a recorder appending to a file as fast as it can.
// The server is a real child process (the daq-server bundle); recorders run in worker threads.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DaqDataDefinition, type DaqDataClient } from '@daqdata/core';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { countStreamImages, type StreamCounter } from './raw-stream-counter.js';
import type { RecorderJob, RecorderReport } from './recorder-worker.js';
import { cpuSeconds, now, rssMb, startServerChild, type ServerChild } from './server-child.js';

const here = dirname(fileURLToPath(import.meta.url));
// The daq-server executable as shipped (bundled: see rolldown.config.mjs).
const serverMain = join(here, '..', 'bundle', 'daq-server.js');
const workerFile = join(here, 'recorder-worker.js');

/** A bench server child whose JSON log lines are kept (part (e) reads the node's own frame count). */
interface LoggedServerChild extends ServerChild {
  logs: Array<Record<string, unknown>>;
}

async function startLoggedServer(root: string, extraArgs: string[]): Promise<LoggedServerChild> {
  const logs: Array<Record<string, unknown>> = [];
  const child = await startServerChild(serverMain, ['--allow-root', root, '--max-streams', '100', ...extraArgs], (line) => logs.push(line));
  return { ...child, logs };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** The node's default minimum interval: InitHpIo below it (0 included) is INVALID_ARGUMENT, as in the reference. */
const MIN_INTERVAL_SECONDS = 0.001;

const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

function connect(port: number): { channel: Channel; client: DaqDataClient } {
  const channel = createChannel(`127.0.0.1:${port}`);
  return { channel, client: createClient(DaqDataDefinition, channel) };
}

interface Consumer {
  received: Array<{ moduleId: number; frameNumber: number; at: number }>;
  count: number;
  stop(): void;
  done: Promise<void>;
}

function consume(client: DaqDataClient, intervalSeconds: number, keep: boolean): Consumer {
  const abort = new AbortController();
  const c: Consumer = {
    received: [],
    count: 0,
    stop: () => abort.abort(),
    done: Promise.resolve(),
  };
  c.done = (async () => {
    try {
      for await (const r of client.streamImages({ streamMovieData: true, updateIntervalSeconds: intervalSeconds }, { signal: abort.signal })) {
        c.count++;
        if (keep) c.received.push({ moduleId: r.panoImage!.moduleId, frameNumber: r.panoImage!.frameNumber, at: now() });
      }
    } catch {
      // aborted at the end of the run
    }
  })();
  return c;
}

function runRecorder(job: RecorderJob): { ready: Promise<void>; go(): void; done: Promise<RecorderReport> } {
  const worker = new Worker(workerFile, { workerData: job });
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const done = new Promise<RecorderReport>((resolve, reject) => {
    worker.on('message', (m: { ready?: boolean; done?: boolean } & RecorderReport) => {
      if (m.ready) readyResolve();
      if (m.done) resolve(m);
    });
    worker.once('error', reject);
  });
  return { ready, go: () => worker.postMessage('go'), done: done.finally(() => worker.terminate()) };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withServer<T>(fn: (server: LoggedServerChild, root: string) => Promise<T>, serverArgs: (root: string) => string[] = () => []): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'daq-bench-'));
  const server = await startLoggedServer(root, serverArgs(root));
  try {
    return await fn(server, root);
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Latency of frames written after a warm-up: the first frames of a run are slow for reasons
 * that are not the node's steady state: the first frame, and the bench client stalling around
 * its 7th and 64th message (V8 tiering up its decoding) — single outliers of 4-8 ms, all on the
 * client side of the response timestamp, which were p99 over 200 frames.
 */
/** The recorder's path into the node: appended PFF files, or the node's recorder socket. */
type Via = 'file' | 'socket';
const recorderSocketArgs = (root: string) => ['--recorder-socket', join(root, 'rec.dp_{dp_name}.sock'), '--recorder-products', 'img16'];
const recorderSocketOf = (root: string) => join(root, 'rec.dp_img16.sock');

async function latency(fps: number, durationMs: number, warmupMs: number, via: Via = 'file'): Promise<{ p50: number; p99: number; n: number }> {
  return withServer(async (server, root) => {
    const { channel, client } = connect(server.port);
    const dataDir = join(root, 'data');
    const socketPath = via === 'socket' ? recorderSocketOf(root) : undefined;
    const rec = runRecorder({ dataDir, modules: [1], fps, durationMs: warmupMs + durationMs, batchMs: 1, reportTimes: true, socketPath });
    const firstMeasured = Math.ceil((fps * warmupMs) / 1000);
    await rec.ready;
    if (via === 'file') await client.initHpIo({ dataDir, updateIntervalSeconds: MIN_INTERVAL_SECONDS });
    const c = consume(client, 0, true);
    await settle(300);
    rec.go();
    const report = await rec.done;
    await settle(200);
    c.stop();
    await c.done;
    channel.close();
    const lat = c.received.filter((r) => r.frameNumber >= firstMeasured && report.writeTimes[r.frameNumber] !== undefined).map((r) => r.at - report.writeTimes[r.frameNumber]!);
    return { p50: percentile(lat, 50), p99: percentile(lat, 99), n: lat.length };
  }, via === 'socket' ? recorderSocketArgs : undefined);
}

/**
 * One recorder writing img16 frames for one module as fast as it can, one counting client at
 * the minimum interval. Through the socket every frame is decoded and published (the writer
 * waits whenever the node falls behind, so the rate written is the rate the node takes); from
 * a file the node reads only the newest frame per append.
 */
async function recorderMax(via: Via, durationMs: number) {
  return withServer(async (server, root) => {
    const control = connect(server.port);
    const dataDir = join(root, 'data');
    const rec = runRecorder({ dataDir, modules: [1], fps: 0, durationMs, batchMs: 16, reportTimes: false, socketPath: via === 'socket' ? recorderSocketOf(root) : undefined });
    await rec.ready;
    if (via === 'file') await control.client.initHpIo({ dataDir, updateIntervalSeconds: MIN_INTERVAL_SECONDS });
    const [counter] = countingClients(server.port, 1, 0);
    await settle(300);
    const pid = server.proc.pid!;
    rec.go();
    const t0 = now();
    const cpu0 = [cpuSeconds(pid), benchCpuSeconds()] as const;
    const count0 = counter!.count;
    const report = await rec.done;
    const seconds = (now() - t0) / 1000;
    const serverCpu = (cpuSeconds(pid) - cpu0[0]) / seconds;
    const benchCpu = (benchCpuSeconds() - cpu0[1]) / seconds;
    const delivered = (counter!.count - count0) / seconds;
    // Through the socket: the node's own count of the frames it decoded on that connection.
    let nodeFrames = NaN;
    if (via === 'socket') {
      while (!server.logs.some((l) => l.msg === 'recorder connection ended')) await settle(20);
      nodeFrames = Number(server.logs.find((l) => l.msg === 'recorder connection ended')!.frames);
    }
    await stopAll([counter!]);
    control.channel.close();
    return { written: report.framesPerModule / seconds, framesWritten: report.framesPerModule, nodeFrames, delivered, serverCpu, benchCpu };
  }, via === 'socket' ? recorderSocketArgs : undefined);
}

/** Counting clients (no decoding, see raw-stream-counter.ts): what the server delivers, not what a decoder keeps up with. */
function countingClients(port: number, n: number, intervalSeconds: number): StreamCounter[] {
  return Array.from({ length: n }, () => countStreamImages(port, { streamMovieData: true, updateIntervalSeconds: intervalSeconds }));
}

async function stopAll(cs: StreamCounter[]): Promise<void> {
  for (const c of cs) c.stop();
  await Promise.all(cs.map((c) => c.done));
}

/** CPU seconds used so far by this process (bench clients and recorder threads). */
const benchCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function throughput(
  clients: number,
  modules: number,
  durationMs: number,
): Promise<{ perClient: number; aggregate: number; written: number; appends: number; serverCpu: number; benchCpu: number }> {
  return withServer(async (server, root) => {
    const control = connect(server.port);
    const dataDir = join(root, 'data');
    const rec = runRecorder({ dataDir, modules: Array.from({ length: modules }, (_, i) => i + 1), fps: 2000, durationMs, batchMs: 1, reportTimes: false });
    await rec.ready;
    await control.client.initHpIo({ dataDir, updateIntervalSeconds: MIN_INTERVAL_SECONDS });
    const cs = countingClients(server.port, clients, 0);
    await settle(300);
    const pid = server.proc.pid!;
    rec.go();
    const t0 = now();
    const cpu0 = [cpuSeconds(pid), benchCpuSeconds()] as const;
    const start = cs.map((c) => c.count);
    const report = await rec.done;
    const seconds = (now() - t0) / 1000;
    const got = cs.map((c, i) => c.count - start[i]!);
    const serverCpu = (cpuSeconds(pid) - cpu0[0]) / seconds;
    const benchCpu = (benchCpuSeconds() - cpu0[1]) / seconds;
    await stopAll(cs);
    control.channel.close();
    const aggregate = got.reduce((a, b) => a + b, 0) / seconds;
    return { perClient: aggregate / clients, aggregate, written: (report.framesPerModule * modules) / seconds, appends: (report.appendsPerModule * modules) / seconds, serverCpu, benchCpu };
  });
}

async function observatory(durationMs: number) {
  return withServer(async (server, root) => {
    const control = connect(server.port);
    const dataDir = join(root, 'data');
    const modules = Array.from({ length: 45 }, (_, i) => i + 1);
    const rec = runRecorder({ dataDir, modules, fps: 1000, durationMs, batchMs: 10, reportTimes: false });
    await rec.ready;
    await control.client.initHpIo({ dataDir, updateIntervalSeconds: MIN_INTERVAL_SECONDS });
    const cs = countingClients(server.port, 20, 0.1);
    await settle(500);
    const pid = server.proc.pid!;
    rec.go();
    const cpu0 = cpuSeconds(pid);
    const t0 = now();
    const counts0 = cs.map((c) => c.count);
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250);
    const report = await rec.done;
    const seconds = (now() - t0) / 1000;
    const cpu = (cpuSeconds(pid) - cpu0) / seconds;
    clearInterval(sampler);
    const rss = rssMb(pid);
    const expected = seconds * 10 * modules.length;
    const fractions = cs.map((c, i) => (c.count - counts0[i]!) / expected);
    await stopAll(cs);
    control.channel.close();
    return { cpu, rss, peakRss, fractions, writtenPerModule: report.framesPerModule / seconds };
  });
}

async function startupAndIdle() {
  return withServer(async (server) => {
    const { channel, client } = connect(server.port);
    await client.ping({});
    const firstPing = now() - server.spawnedAt;
    const conns = Array.from({ length: 10 }, () => connect(server.port));
    const cs = conns.map(({ client: c }) => consume(c, 0, false));
    await settle(1000);
    const pid = server.proc.pid!;
    const cpu0 = cpuSeconds(pid);
    const t0 = now();
    await settle(5000);
    const idleCpu = (cpuSeconds(pid) - cpu0) / ((now() - t0) / 1000);
    const rss = rssMb(pid);
    for (const c of cs) c.stop();
    await Promise.all(cs.map((c) => c.done));
    for (const c of conns) c.channel.close();
    channel.close();
    return { firstPing, idleCpu, rss };
  });
}

const pct = (x: number) => `${fmt(100 * x, 1)}%`;

// DAQ_BENCH_ONLY=a,c runs only those parts.
const only = new Set((process.env.DAQ_BENCH_ONLY ?? 'a,b,c,d,e').split(','));
console.log('daq server bench (server: child process; recorders: worker threads; (b)/(c) clients count messages from raw HTTP/2 frames without decoding them, so the bench process takes little of the CPU it shares with the server)');
if (only.has('d')) {
const d = await startupAndIdle();
console.log(`(d) start -> first Ping: ${fmt(d.firstPing, 0)} ms (target <= 250); idle with 10 clients: CPU ${pct(d.idleCpu)} of one core (target ~0), RSS ${fmt(d.rss, 1)} MB (target <= 70)`);
}
if (only.has('a')) {
const a1 = await latency(20, 10_000, 4000);
console.log(`(a) latency, frames 50 ms apart: p50 ${fmt(a1.p50)} ms, p99 ${fmt(a1.p99)} ms over ${a1.n} frames after 4 s warm-up (target p50 <= 1.5, p99 <= 5)`);
const a2 = await latency(1000, 5000, 1000);
console.log(`(a) latency, recorder at 1,000 frames/s: p50 ${fmt(a2.p50)} ms, p99 ${fmt(a2.p99)} ms over ${a2.n} frames after 1 s warm-up (target p50 <= 1.5, p99 <= 5)`);
}
if (only.has('b')) {
const b1 = await throughput(1, 16, 4000);
console.log(`(b) 1 client, 16 modules written at ${fmt(b1.written, 0)} frames/s in ${fmt(b1.appends, 0)} appends/s: delivered ${fmt(b1.aggregate, 0)} frames/s (target >= 8,000); CPU: server ${pct(b1.serverCpu)}, bench process ${pct(b1.benchCpu)} of one core`);
const b10 = await throughput(10, 16, 4000);
console.log(`(b) 10 clients, 16 modules written at ${fmt(b10.written, 0)} frames/s in ${fmt(b10.appends, 0)} appends/s: delivered ${fmt(b10.aggregate, 0)} frames/s aggregate, ${fmt(b10.perClient, 0)} per client; CPU: server ${pct(b10.serverCpu)}, bench process ${pct(b10.benchCpu)} of one core`);
}
if (only.has('c')) {
const c = await observatory(8000);
const sorted = [...c.fractions].sort((x, y) => x - y);
console.log(
  `(c) 45 modules x ${fmt(c.writtenPerModule, 0)} img16 frames/s written, 20 clients at 10 Hz: server CPU ${pct(c.cpu)} of one core (target < 50%), RSS ${fmt(c.rss, 1)} MB (peak ${fmt(c.peakRss, 1)}), updates received per client min ${pct(sorted[0]!)} median ${pct(percentile(sorted, 50))} (target >= 95%)`,
);
}
if (only.has('e')) {
for (const fps of [20, 1000]) {
  const warmup = fps === 20 ? 4000 : 1000;
  const duration = fps === 20 ? 10_000 : 5000;
  const [sock, file] = [await latency(fps, duration, warmup, 'socket'), await latency(fps, duration, warmup, 'file')];
  console.log(`(e) latency at ${fps} frames/s, after ${warmup / 1000} s warm-up: recorder socket p50 ${fmt(sock.p50)} ms, p99 ${fmt(sock.p99)} ms (${sock.n} frames); file p50 ${fmt(file.p50)} ms, p99 ${fmt(file.p99)} ms (${file.n} frames)`);
}
for (const via of ['socket', 'file'] as const) {
  const m = await recorderMax(via, 4000);
  const took = via === 'socket' ? `, node decoded ${m.nodeFrames === m.framesWritten ? 'all' : `${m.nodeFrames} of`} ${m.framesWritten}` : '';
  console.log(`(e) ${via === 'socket' ? 'one recorder socket connection' : 'one recorder appending to a file'} as fast as it goes: ${fmt(m.written, 0)} img16 frames/s written${took}; client delivered ${fmt(m.delivered, 0)} frames/s; CPU: server ${pct(m.serverCpu)}, bench process (writer thread + client) ${pct(m.benchCpu)} of one core`);
}
}
