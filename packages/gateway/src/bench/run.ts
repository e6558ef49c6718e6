// Gateway bench (figures only, nothing asserted): in one run, on this machine,
// (a) the DAQ node's CPU with 1 and 100 viewers connected directly vs through the gateway;
// (b) the latency the gateway adds (node -> gateway -> NATS -> gateway -> viewer) next to a
//     direct viewer of the same images, p50/p99;
// (c) the most images/s one gateway relays from NATS to a viewer;
// (d) the most pulse-height events/s one gateway relays from a node into the events stream
//     (every-frame), next to a direct every-frame SDK reader of the same node, interleaved.
// Each figure is min/median/max of 3 runs, with the load average beside it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DaqClient, type RawImageMessage } from '@daqdata/client';
import { MODULES, serverMain, startWriter, waitForStream, withDataDir } from '@daqdata/client/bench/frame-writer';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { setTimeout as delay } from 'node:timers/promises';
import { cpuSeconds, now, startServerChild } from '@daqdata/server/bench/server-child';
import { PanoImage, PanoImage_Type } from '@daqdata/core';
import { silentLogger } from '@daqdata/server';
import { startGateway, type RunningGateway } from '../gateway.js';
import { imageHeaders } from '../image-headers.js';
import { EVENTS_STREAM } from '../jetstream-streams.js';
import { startNatsServer } from '../nats-server-process.js';
import { imageSubject } from '../subjects.js';

const RUNS = 3;
/** (d): ph256 frames per module (8 modules), written as fast as a recorder can. */
const EVENT_FRAMES_PER_MODULE = Number(process.env.BENCH_GATEWAY_EVENT_FRAMES ?? 5000);
const PHASE_MS = 4000;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

function spread(values: number[], digits = 1): string {
  const s = [...values].sort((a, b) => a - b);
  return `min ${s[0]!.toFixed(digits)} median ${s[Math.floor(s.length / 2)]!.toFixed(digits)} max ${s.at(-1)!.toFixed(digits)}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function startNode(modules: string, interval: number): Promise<{ address: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./node-child.js', import.meta.url)), modules, String(interval)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.stdin!.end();
      await once(child, 'exit');
    },
  };
}

/** `n` viewers on `address` for `ms`; returns the images they received in all. */
async function view(address: string, n: number, ms: number, onImage: (r: RawImageMessage) => void = () => undefined): Promise<number> {
  const client = DaqClient.fromAddresses([address], { reconnect: false });
  const signal = AbortSignal.timeout(ms);
  let images = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      try {
        for await (const r of client.streamImages({ parse: false, hosts: [address], updateIntervalSeconds: 0.01, signal })) {
          images++;
          onImage(r);
        }
      } catch (err) {
        if (!signal.aborted) throw err;
      }
    }),
  );
  await client.close();
  return images;
}

/** The node's CPU (% of one core) while `n` viewers watch `address` for PHASE_MS. */
async function nodeCpu(pid: number, address: string, n: number): Promise<{ cpu: number; perViewer: number }> {
  const c0 = cpuSeconds(pid);
  const t0 = now();
  const images = await view(address, n, PHASE_MS);
  const cpu = (100 * (cpuSeconds(pid) - c0)) / ((now() - t0) / 1000);
  return { cpu, perViewer: images / n / (PHASE_MS / 1000) };
}

async function main(): Promise<void> {
  const storeDir = await mkdtemp(join(tmpdir(), 'daq-bench-nats-'));
  const nats = await startNatsServer({ storeDir });
  const node = await startNode('1,2,3,4', 0.01);
  let gateway: RunningGateway | undefined;
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    out(`gateway bench: 1 node simulating 4 modules (img16 + ph256) at 0.01 s, viewers ask 0.01 s; ${RUNS} runs of ${PHASE_MS / 1000} s each`);
    // (a) Node CPU, direct and through a gateway interleaved within each run (the gateway is
    // started for its phases and closed after them, so a direct phase pays for no gateway
    // stream), and the ratio gateway / direct per run: the load of other work moves both alike.
    const results = new Map<string, Array<{ cpu: number; perViewer: number; load: string }>>();
    const ratios: number[] = [];
    const record = (label: string, r: { cpu: number; perViewer: number }) => {
      results.set(label, [...(results.get(label) ?? []), { ...r, load: load() }]);
      return r.cpu;
    };
    for (let i = 0; i < RUNS; i++) {
      record('direct, 1 viewer', await nodeCpu(node.pid, node.address, 1));
      const direct100 = record('direct, 100 viewers', await nodeCpu(node.pid, node.address, 100));
      const g = await startGateway({ natsUrl: nats.url, nodes: { addresses: [node.address] }, port: 0, log: silentLogger });
      try {
        await view(g.server!.address, 1, 1000); // the gateway's streams to the node are up and images flow
        record('gateway, 1 viewer', await nodeCpu(node.pid, g.server!.address, 1));
        ratios.push(record('gateway, 100 viewers', await nodeCpu(node.pid, g.server!.address, 100)) / direct100);
      } finally {
        await g.close();
      }
    }
    gateway = await startGateway({ natsUrl: nats.url, nodes: { addresses: [node.address] }, port: 0, log: silentLogger });
    const via = gateway.server!.address;
    await view(via, 1, 1000);
    out('(a) DAQ node CPU, % of one core (images/s per viewer):');
    for (const [label, rs] of results) out(`  ${label.padEnd(22)} ${spread(rs.map((r) => r.cpu))}   (${spread(rs.map((r) => r.perViewer))} images/s per viewer)   load ${rs.map((r) => r.load).join(' | ')}`);
    out(`  100 viewers, node CPU through the gateway / direct, per run: ${spread(ratios, 2)}`);

    // (b) Added latency: a direct viewer and a gateway viewer see the same images; each image's
    // arrival at both, matched by module, type, file and frame; and the direct viewer's own
    // latency from the node's send timestamp.
    out('(b) latency, ms (p50 / p99 per run):');
    const added: string[] = [];
    const direct: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const key = (r: RawImageMessage) => `${r.response.panoImage!.moduleId}:${r.response.panoImage!.type}:${r.response.panoImage!.file}:${r.response.panoImage!.frameNumber}`;
      const directAt = new Map<string, number>();
      const viaAt = new Map<string, number>();
      const directLatency: number[] = [];
      await Promise.all([
        view(node.address, 1, PHASE_MS, (r) => {
          const t = now();
          directAt.set(key(r), t);
          if (r.response.timestamp) directLatency.push(t - r.response.timestamp.getTime());
        }),
        view(via, 1, PHASE_MS, (r) => viaAt.set(key(r), now())),
      ]);
      const deltas = [...viaAt].flatMap(([k, t]) => (directAt.has(k) ? [t - directAt.get(k)!] : [])).sort((a, b) => a - b);
      directLatency.sort((a, b) => a - b);
      added.push(`${percentile(deltas, 50).toFixed(2)} / ${percentile(deltas, 99).toFixed(2)} (${deltas.length} images, load ${load()})`);
      direct.push(`${percentile(directLatency, 50).toFixed(2)} / ${percentile(directLatency, 99).toFixed(2)}`);
    }
    out(`  direct viewer, node send -> receipt:        ${direct.join('   ')}`);
    out(`  through the gateway, added over direct:     ${added.join('   ')}`);
    await gateway.close();
    gateway = undefined;

    // (c) Relay ceiling: a publisher floods NATS with img16 previews over 64 modules as fast as
    // it can; a serving gateway relays them to one viewer at the gateway's minimum interval.
    const server = await startGateway({ natsUrl: nats.url, port: 0, log: silentLogger, minUpdateIntervalSeconds: 0.001 });
    gateway = server;
    const bytes = PanoImage.encode({ type: PanoImage_Type.MOVIE, header: {}, imageArray: new Array<number>(1024).fill(300), shape: [32, 32], bytesPerPixel: 2, file: 'bench', frameNumber: 0, moduleId: 0 }).finish();
    const relayed: number[] = [];
    const toViewer: number[] = [];
    const offered: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const hub0 = server.server!.hub.publishedCount;
      const stop = now() + PHASE_MS;
      let sent = 0;
      const publisher = (async () => {
        while (now() < stop) {
          for (let k = 0; k < 500; k++) {
            const m = sent % 64;
            server.nc.publish(imageSubject('bench-publisher', m, 'img16'), bytes, { headers: imageHeaders({ node: 'bench-publisher', nodeName: 'bench', sequence: ++sent, nodeSentNs: null, gatewayReceivedMs: now(), frame: sent }) });
          }
          await server.nc.flush();
        }
      })();
      const t0 = now();
      const viewed = await view(server.server!.address, 1, PHASE_MS);
      await publisher;
      const seconds = (now() - t0) / 1000;
      offered.push(sent / seconds);
      relayed.push((server.server!.hub.publishedCount - hub0) / seconds);
      toViewer.push(viewed / seconds);
    }
    out(`(c) one gateway relaying img16 (2 KiB) from NATS, images/s (load ${load()}):`);
    out(`  published into NATS ${spread(offered, 0)}; into the gateway's hub ${spread(relayed, 0)}; to one viewer (latest-wins per module at 0.01 s) ${spread(toViewer, 0)}`);
    await gateway.close();
    gateway = undefined;

    // (d) Events relay ceiling: a fresh node following 8 ph256 files written as fast as
    // possible; either a gateway relays every event into DAQDATA_EVENTS (until the stream holds
    // them all) or one direct every-frame SDK reader takes them (until it has them all).
    const total = EVENT_FRAMES_PER_MODULE * MODULES;
    const watcher = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(watcher);
    const rates = { gateway: [] as number[], direct: [] as number[], gatewayNodeCpu: [] as number[], directNodeCpu: [] as number[] };
    const eventsRun = (how: 'gateway' | 'direct') =>
      withDataDir(async (dataDir) => {
        const writer = startWriter({ dataDir, dp: 'ph256', framesPerModule: EVENT_FRAMES_PER_MODULE, rate: 0, framesPerWrite: 64 });
        await writer.ready;
        const child = await startServerChild(serverMain, ['--allow-root', dataDir, '--data-dir', dataDir, '--min-interval', '0.001']);
        const address = `127.0.0.1:${child.port}`;
        try {
          await jsm.streams.purge(EVENTS_STREAM);
          let done: Promise<void>;
          let close: () => Promise<void>;
          if (how === 'gateway') {
            const g = await startGateway({ natsUrl: nats.url, nodes: { addresses: [address] }, log: silentLogger });
            await waitForStream(g.client!, child.port);
            done = (async () => {
              while ((await jsm.streams.info(EVENTS_STREAM)).state.messages < total) await delay(20);
            })();
            close = () => g.close();
          } else {
            const client = DaqClient.fromAddresses([address]);
            const stream = client.streamImages({ parse: false, delivery: 'every-frame', movie: false, pulseHeight: true, hosts: [address] });
            const first = stream.next();
            done = (async () => {
              await first;
              for (let n = 1; n < total; n++) await stream.next();
            })();
            close = async () => {
              await stream.return(undefined);
              await client.close();
            };
            await waitForStream(client, child.port);
          }
          const cpu0 = cpuSeconds(child.proc.pid!);
          const t0 = now();
          writer.go();
          await done;
          const seconds = (now() - t0) / 1000;
          rates[how].push(total / seconds);
          rates[how === 'gateway' ? 'gatewayNodeCpu' : 'directNodeCpu'].push((100 * (cpuSeconds(child.proc.pid!) - cpu0)) / seconds);
          await writer.done;
          await close();
        } finally {
          await child.stop();
        }
      });
    for (let i = 0; i < RUNS; i++) {
      await eventsRun('direct');
      await eventsRun('gateway');
    }
    out(`(d) pulse-height events (ph256, ${MODULES} modules x ${EVENT_FRAMES_PER_MODULE}, written as fast as possible), events/s (load ${load()}):`);
    out(`  node -> one direct every-frame SDK reader ${spread(rates.direct, 0)} (node CPU % ${spread(rates.directNodeCpu)})`);
    out(`  node -> gateway -> stored in DAQDATA_EVENTS ${spread(rates.gateway, 0)} (node CPU % ${spread(rates.gatewayNodeCpu)})`);
    await watcher.close();
  } finally {
    await gateway?.close();
    await node.stop();
    await nats.stop();
    await rm(storeDir, { recursive: true, force: true });
  }
}

await main();
