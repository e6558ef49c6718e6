// Bench: what a node's own work costs per frame when an every-frame client takes PFF runs,
// without the transport or a second process sharing the two cores (figures only). One DaqNode
// in this process follows 8 modules' files that appear after the stream opened (so every
// frame is read), and the stream's responses are taken as grpc-js takes them (a framed copy
// each), as fast as they come. The frames are written before the clock starts; from then on
// the process does nothing but the node's work: follow, check, publish, hold, read, encode.
// The first run of a product touches the ring's memory for the first time (page faults); the
// later ones reuse it, as a node that has run a while does.
// Deterministic work, so small changes show where the whole pipeline's bench (client
// every-frame.js: node, client and writer sharing 2 cores, batch sizes following their
// timing) varies by ±20 % from run to run. The core reader's rate over the same files is
// measured in the same process, after each run.
// Each figure is min / median / max of RUNS runs (BENCH_NODE_COST_RUNS, default 5).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_PRODUCTS, DeliveryOptions_Policy, StreamImagesRequest, encodeFrame, formatDataFileName, formatRunDirName, type DataProduct, type FrameHeader } from '@daqdata/core';
import { readPffFile } from '@daqdata/core/node';
import type { CallContext } from 'nice-grpc';
import { Metadata } from 'nice-grpc-common';
import { unixClockMs } from '../broadcast/clock.js';
import { defaultServerConfig } from '../config/server-config.js';
import { createLogger } from '../log/logger.js';
import { DaqNode } from '../service/daq-node.js';
import { minorFaults, now } from './server-child.js';

const RUNS = Number(process.env.BENCH_NODE_COST_RUNS ?? 5);
const MODULES = 8;
const FRAMES_PER_MODULE = Number(process.env.BENCH_NODE_COST_FRAMES ?? 20_000);
/** Holds 8 x 20,000 img16 frames. */
const BURST_RING_BYTES = 2 * 1024 ** 3;
const PRODUCTS = (process.env.BENCH_NODE_COST_PRODUCTS ?? 'ph256,img16').split(',') as DataProduct[];

function header(dp: DataProduct, n: number): FrameHeader {
  const p = { pkt_num: n & 0xffff, pkt_tai: 629, pkt_nsec: (n * 1000) % 1e9, tv_sec: 1_754_112_728, tv_usec: n % 1_000_000 };
  return DATA_PRODUCTS[dp].headerLayout === 'flat' ? { ...p, quabo_num: n % 4 } : { quabo_0: p, quabo_1: p, quabo_2: p, quabo_3: p };
}

function fileBytes(dp: DataProduct): Uint8Array {
  const info = DATA_PRODUCTS[dp];
  const frames = Array.from({ length: FRAMES_PER_MODULE }, (_, n) =>
    encodeFrame(header(dp, n), Array.from({ length: info.rows * info.cols }, (_, i) => ((i * 7919 + n) % 4096) - (info.signed ? 2048 : 0)), info),
  );
  return Buffer.concat(frames);
}

function context(signal: AbortSignal): CallContext {
  return { signal, peer: 'bench', metadata: Metadata(), header: Metadata(), trailer: Metadata(), sendHeader: () => {} } as unknown as CallContext;
}

interface Run {
  cpuUsPerFrame: number;
  /** The event loop's active time (the node's thread at work, not waiting) per frame. */
  activeUsPerFrame: number;
  framesPerS: number;
  coreFramesPerS: number;
  faultsPerFrame: number;
  lost: number;
}

async function run(dp: DataProduct, bytes: Uint8Array): Promise<Run> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daq-bench-node-cost-'));
  const files: string[] = [];
  for (let m = 1; m <= MODULES; m++) {
    const dir = join(dataDir, `module_${m}`, formatRunDirName({ obs: 'Bench', start: '2025-08-02T05:31:00Z', runtype: 'sci-data' }));
    await mkdir(dir, { recursive: true });
    files.push(join(dir, formatDataFileName({ start: '2025-08-02T05:31:36Z', dataProduct: dp, moduleId: m, seqno: 0 })));
  }
  // A ring that holds the whole burst: nothing is lost (this process reads a turn's frames faster
  // than it sends them, and img16 overran the default ring), so every frame is read and sent.
  const config = { ...defaultServerConfig(), allowedDataRoots: [dataDir], ringBytes: BURST_RING_BYTES };
  const node = new DaqNode(config, createLogger({ format: 'json', level: 'silent' }), unixClockMs, undefined);
  const controller = new AbortController();
  try {
    await node.initAtStart({ dataDir, updateIntervalSeconds: 0.001, force: false, simulateDaq: false, moduleIds: [] }, 'bench');
    const kind = DATA_PRODUCTS[dp].kind;
    const request = StreamImagesRequest.fromPartial({
      streamMovieData: kind === 'movie',
      streamPulseHeightData: kind === 'pulse-height',
      updateIntervalSeconds: 0.001,
      delivery: { policy: DeliveryOptions_Policy.EVERY_FRAME, pffFrames: true },
    });
    const stream = node.streamImages(request, context(controller.signal));
    const first = stream.next(); // opens the stream: the node now wants every frame
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(files.map((f) => writeFile(f, bytes)));
    const total = FRAMES_PER_MODULE * MODULES;
    const t0 = now();
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const faults0 = minorFaults(process.pid);
    let message = await first;
    let framedBytes = 0;
    for (;;) {
      if (message.done) throw new Error('stream ended early');
      // What grpc-js does with each response: a framed copy.
      const framed = Buffer.allocUnsafe(message.value.length + 5);
      framed.set(message.value, 5);
      framedBytes += framed.length;
      // Every frame sent, or reported lost (img16 overruns the default ring: this process reads
      // a turn's frames faster than it sends them).
      const stats = node.streamStats()[0];
      if (stats && stats.sent + stats.dropped >= total) break;
      message = await stream.next();
    }
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const faults = minorFaults(process.pid) - faults0;
    const seconds = (now() - t0) / 1000;
    const lost = node.streamStats()[0]?.dropped ?? 0;
    controller.abort();
    await stream.return(undefined);
    const c0 = now();
    let parsed = 0;
    for (const f of files) parsed += (await readPffFile(f)).frames.length;
    const coreFramesPerS = parsed / ((now() - c0) / 1000);
    void framedBytes;
    return { cpuUsPerFrame: (cpu.user + cpu.system) / total, activeUsPerFrame: (elu.active * 1000) / total, framesPerS: total / seconds, coreFramesPerS, faultsPerFrame: faults / total, lost };
  } finally {
    controller.abort();
    await node.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const mmm = (values: number[], d = 0): string => {
  const s = [...values].sort((a, b) => a - b);
  return [s[0]!, s[Math.floor(s.length / 2)]!, s[s.length - 1]!].map((v) => v.toFixed(d)).join(' / ');
};

for (const dp of PRODUCTS) {
  const bytes = fileBytes(dp);
  const runs: Run[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(await run(dp, bytes));
  console.log(
    `${dp} node work per frame (every-frame, PFF runs, one process): event loop active us ${mmm(runs.map((r) => r.activeUsPerFrame), 2)}; process CPU us (all threads) ${mmm(runs.map((r) => r.cpuUsPerFrame), 2)}; minor page faults ${mmm(runs.map((r) => r.faultsPerFrame), 3)}; frames/s ${mmm(runs.map((r) => r.framesPerS))}; ` +
      `core reader frames/s ${mmm(runs.map((r) => r.coreFramesPerS))}; node / core reader per run ${mmm(runs.map((r) => (100 * r.framesPerS) / r.coreFramesPerS))} %; lost (gaps) ${mmm(runs.map((r) => r.lost))}`,
  );
}
