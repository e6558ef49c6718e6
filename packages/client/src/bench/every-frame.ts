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
import { DATA_PRODUCTS, type DataProduct } from '@daqdata/core';
import { readPffFile } from '@daqdata/core/node';
import { cpuSeconds, minorFaults, now, rssMb, startServerChild } from '@daqdata/server/bench/server-child';
import { DaqClient } from '../daq-client.js';
import { MODULES, filePath, mmm, serverMain, startWriter, uptime, waitForStream, withDataDir } from './frame-writer.js';

const RUNS = Number(process.env.BENCH_EVERY_RUNS ?? 3);
const FRAMES_PER_MODULE = Number(process.env.BENCH_EVERY_FRAMES ?? 20_000);
/** A ring that holds a whole burst of 8 x 20,000 img16 frames (~1 GB with their pixels): nothing is lost. */
const BURST_RING_BYTES = 2 * 1024 ** 3;
/** Passes of the core reader over each run's files; its rate is their median. */
const CORE_PASSES = 3;
/** Which throughput variants run (labels as printed; BENCH_EVERY_VARIANTS narrows them for an A/B). */
const VARIANTS = (process.env.BENCH_EVERY_VARIANTS ?? 'every-frame,burst-ring,latest').split(',');
/** Appended per write call when writing as fast as possible (a recorder's buffered write). */
const FRAMES_PER_WRITE = 64;

/** A node's first ping may take seconds when other work loads the machine (it missed the default 1 s at load 17). */
const BENCH_CLIENT_OPTIONS = { pingTimeoutMs: 15_000 };

/** Preview-only run: small writes, so the node reads (and its per-read cost shows) often: 125 reads/s per module. */
const PREVIEW_FRAMES_PER_WRITE = 8;

interface ThroughputRun {
  delivered: number;
  lost: number;
  deliveredPerS: number;
  writeS: number;
  coreParsePerS: number;
  serverCpuS: number;
  /** Minor page faults of the node during the run (memory touched for the first time). */
  serverFaults: number;
  serverRssMb: number;
  /** CPU seconds of this process (the SDK client; the writer thread included). */
  clientCpuS: number;
}

/**
 * One run: a fresh node following a fresh directory, one SDK client with `delivery`, the writer
 * as fast as it can, `bursts` times on the same node and stream (each burst a rollover to new
 * files). The first burst is what a node just started does: its memory (the ring's slabs, its
 * heap, the buffers it sends from) is touched for the first time, each page a page fault; a
 * later burst is what a node that has run a while does.
 */
async function throughputRun(dp: DataProduct, delivery: 'every-frame' | 'latest', ringBytes: number | undefined, bursts: number): Promise<ThroughputRun[]> {
  return withDataDir(async (dataDir) => {
    const server = await startServerChild(serverMain, ['--allow-root', dataDir, '--data-dir', dataDir, '--min-interval', '0.001', ...(ringBytes ? ['--ring-bytes', String(ringBytes)] : [])]);
    const client = DaqClient.fromAddresses([`127.0.0.1:${server.port}`], BENCH_CLIENT_OPTIONS);
    const controller = new AbortController();
    try {
      const total = FRAMES_PER_MODULE * MODULES;
      let lost = 0;
      const kind = DATA_PRODUCTS[dp].kind;
      const stream = client.streamImages({
        delivery,
        movie: kind === 'movie',
        pulseHeight: kind === 'pulse-height',
        updateIntervalSeconds: 0.001,
        signal: controller.signal,
        onGap: (g) => (lost += g.count ?? 0),
      });
      // The stream is open once the node counts it: a latest stream then has the newest frames at once.
      let pending = stream.next();
      await waitForStream(client, server.port);
      const runs: ThroughputRun[] = [];
      for (let seqno = 0; seqno < bursts; seqno++) {
        const writer = startWriter({ dataDir, dp, framesPerModule: FRAMES_PER_MODULE, rate: 0, framesPerWrite: FRAMES_PER_WRITE, seqno });
        await writer.ready;
        const cpu0 = cpuSeconds(server.proc.pid!);
        const faults0 = minorFaults(server.proc.pid!);
        const clientCpu0 = process.cpuUsage();
        const lost0 = lost;
        writer.go();
        let writeS = Number.NaN;
        // A burst ends once quiet for 5 s after the writer's end (which ends the stream: no later
        // burst then), every-frame also once every frame is delivered or reported lost. One timer,
        // re-armed per image: racing a fresh timer (or one promise) against every image cost
        // this client a promise reaction per image, held until the writer ended (~200 MB of
        // heap and a third of its CPU in GC at 25k images/s).
        let quietTimer: NodeJS.Timeout | undefined;
        void writer.done.then((s) => {
          writeS = s;
          if (!controller.signal.aborted) quietTimer = setTimeout(() => controller.abort(), 5000);
        });
        const firstOfBurst = await pending;
        let delivered = firstOfBurst.done ? 0 : 1;
        const t0 = now();
        let last = t0;
        for (;;) {
          if (delivery === 'every-frame' && delivered + lost - lost0 >= total) break;
          const next = await stream.next();
          if (next.done) break;
          delivered++;
          last = now();
          quietTimer?.refresh();
        }
        clearTimeout(quietTimer);
        pending = stream.next();
        const serverCpuS = cpuSeconds(server.proc.pid!) - cpu0;
        const serverFaults = minorFaults(server.proc.pid!) - faults0;
        const serverRssMb = rssMb(server.proc.pid!);
        const clientCpu = process.cpuUsage(clientCpu0);
        const clientCpuS = (clientCpu.user + clientCpu.system) / 1e6;
        await writer.done;
        // The core reader over the same files, in the same run: its own parse rate, the median of
        // CORE_PASSES passes (one pass alone varied 2x from run to run: JIT and GC state of this
        // process after the stream, not the reader).
        const passes: number[] = [];
        for (let pass = 0; pass < CORE_PASSES; pass++) {
          const c0 = now();
          let parsed = 0;
          for (let m = 1; m <= MODULES; m++) parsed += (await readPffFile(filePath(dataDir, dp, m, seqno))).frames.length;
          passes.push(parsed / ((now() - c0) / 1000));
        }
        const coreParsePerS = passes.sort((a, b) => a - b)[Math.floor(CORE_PASSES / 2)]!;
        if (controller.signal.aborted && seqno < bursts - 1) throw new Error('the stream went quiet before the burst ended: no later burst');
        runs.push({ delivered, lost: lost - lost0, deliveredPerS: delivered / ((last - t0) / 1000), writeS, coreParsePerS, serverCpuS, serverFaults, serverRssMb, clientCpuS });
      }
      return runs;
    } finally {
      controller.abort();
      await client.close();
      await server.stop();
    }
  });
}

/** A preview-only node's CPU for fixed work: 8 img16 modules at `rate` frames/s each, one latest client at 0.1 s. */
async function previewRun(main: string, rate: number, seconds: number): Promise<number> {
  return withDataDir(async (dataDir) => {
    const writer = startWriter({ dataDir, dp: 'img16', framesPerModule: rate * seconds, rate, framesPerWrite: PREVIEW_FRAMES_PER_WRITE });
    await writer.ready;
    const server = await startServerChild(main, ['--allow-root', dataDir, '--data-dir', dataDir]);
    const client = DaqClient.fromAddresses([`127.0.0.1:${server.port}`], BENCH_CLIENT_OPTIONS);
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

function report(dp: DataProduct, label: string, runs: ThroughputRun[]): void {
  console.log(`${dp} ${label}: delivered images/s ${mmm(runs.map((r) => r.deliveredPerS))}; delivered ${mmm(runs.map((r) => r.delivered))} of ${FRAMES_PER_MODULE * MODULES}, lost (gaps) ${mmm(runs.map((r) => r.lost))}`);
  console.log(`  core reader parse frames/s (same files, same run, median of ${CORE_PASSES} passes) ${mmm(runs.map((r) => r.coreParsePerS))}; delivered / core reader per run ${mmm(runs.map((r) => (100 * r.deliveredPerS) / r.coreParsePerS))} %; writer frames/s ${mmm(runs.map((r) => (FRAMES_PER_MODULE * MODULES) / r.writeS))}`);
  console.log(`  node CPU s ${mmm(runs.map((r) => r.serverCpuS), 2)}; node minor page faults ${mmm(runs.map((r) => r.serverFaults))}; node RSS MB at the end ${mmm(runs.map((r) => r.serverRssMb))}; client process CPU s ${mmm(runs.map((r) => r.clientCpuS), 2)}`);
  console.log(`  uptime: ${uptime()}`);
}

async function main(): Promise<void> {
  console.log(`every-frame bench: ${MODULES} modules x ${FRAMES_PER_MODULE} frames written as fast as possible; min / median / max of ${RUNS} runs`);
  console.log(`uptime: ${uptime()}`);
  const products = (process.env.BENCH_EVERY_PRODUCTS ?? 'ph256,img16').split(',').filter(Boolean) as DataProduct[];
  for (const dp of products) {
    // every-frame with the node's default ring (it overruns: the writer is ~10x faster than
    // the node reads), with a ring that holds the whole burst (nothing lost: the rate of the
    // pipeline itself), and latest on the same kind of data.
    const variants = [
      { id: 'every-frame', label: 'every-frame', delivery: 'every-frame', ringBytes: undefined },
      { id: 'burst-ring', label: `every-frame, ring of ${BURST_RING_BYTES / 1024 ** 3} GiB (holds the burst)`, delivery: 'every-frame', ringBytes: BURST_RING_BYTES },
      { id: 'latest', label: 'latest', delivery: 'latest', ringBytes: undefined },
    ] as const;
    for (const v of variants) {
      if (!VARIANTS.includes(v.id)) continue;
      // every-frame: a second burst on the same node (see throughputRun), reported apart.
      const bursts = v.delivery === 'every-frame' ? 2 : 1;
      const byBurst: ThroughputRun[][] = Array.from({ length: bursts }, () => []);
      for (let r = 0; r < RUNS; r++) (await throughputRun(dp, v.delivery, v.ringBytes, bursts)).forEach((run, b) => byBurst[b]!.push(run));
      byBurst.forEach((runs, b) => report(dp, b === 0 ? v.label : `${v.label}, second burst on the same node`, runs));
    }
  }
  if (process.env.BENCH_EVERY_PREVIEW === '0') return;
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

await main();
