// What the metrics endpoint costs the node: one daq-server (the shipped bundle) follows a
// synthetic run written by the simulator (8 modules, img16 at 100 frames/s and ph256 events),
// with one client streaming every image, and its CPU is measured in alternating windows —
// no scrapes, then 10 scrapes/s of /metrics — three of each in the same run, so both see the
// same load. Figures only (min/median/max), with `uptime` beside them; nothing is asserted.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaqDataDefinition } from '@daqdata/core';
import { startSimulation } from '@daqdata/sim';
import { createChannel, createClient } from 'nice-grpc';
import { cpuSeconds, now, startServerChild } from './server-child.js';

const serverMain = join(dirname(fileURLToPath(import.meta.url)), '..', 'bundle', 'daq-server.js');
const WINDOW_MS = 10_000;
const ROUNDS = 3;
const SCRAPES_PER_SECOND = 10;

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const spread = (xs: number[]) => `min ${pct(Math.min(...xs))} median ${pct(median(xs))} max ${pct(Math.max(...xs))}`;

/** The server's CPU (fraction of one core) over one window, scraping at `scrapesPerSecond` meanwhile. */
async function cpuWindow(pid: number, metricsUrl: string, scrapesPerSecond: number): Promise<{ cpu: number; scrapes: number; bytes: number }> {
  const startWall = now();
  const startCpu = cpuSeconds(pid);
  let scrapes = 0;
  let bytes = 0;
  while (now() - startWall < WINDOW_MS) {
    if (scrapesPerSecond > 0) {
      bytes = (await (await fetch(`${metricsUrl}/metrics`)).text()).length;
      scrapes++;
      const next = startWall + (scrapes * 1000) / scrapesPerSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - now())));
    } else await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  }
  return { cpu: (cpuSeconds(pid) - startCpu) / ((now() - startWall) / 1000), scrapes, bytes };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daq-bench-metrics-'));
  const sim = await startSimulation({ dataDir, source: { kind: 'synthetic', modules: [1, 2, 3, 4, 5, 6, 7, 8], dataProducts: ['img16', 'ph256'], frameRate: 100, eventRate: 20 } });
  let metricsUrl = '';
  const server = await startServerChild(serverMain, ['--data-dir', dataDir, '--metrics-port', '0'], (l) => {
    const m = (l as { metrics?: string }).metrics;
    if (l.msg === 'listening' && m) metricsUrl = m;
  });
  const channel = createChannel(`127.0.0.1:${server.port}`);
  const abort = new AbortController();
  let received = 0;
  const streaming = (async () => {
    for await (const _ of createClient(DaqDataDefinition, channel).streamImages(
      { streamMovieData: true, streamPulseHeightData: true, updateIntervalSeconds: 0, moduleIds: [] },
      { signal: abort.signal },
    ))
      received++;
  })().catch(() => undefined);
  try {
    const before = uptime();
    const none: number[] = [];
    const scraped: number[] = [];
    let last = { scrapes: 0, bytes: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      none.push((await cpuWindow(server.proc.pid!, metricsUrl, 0)).cpu);
      const w = await cpuWindow(server.proc.pid!, metricsUrl, SCRAPES_PER_SECOND);
      scraped.push(w.cpu);
      last = w;
    }
    const extra = scraped.map((s, i) => s - none[i]!);
    console.log(`metrics endpoint cost: daq-server following 8 simulated modules (img16 100 frames/s + ph256), one client streaming every image (${received} received)`);
    console.log(`  uptime before: ${before}`);
    console.log(`  server CPU, no scrapes:           ${spread(none)} of one core (${ROUNDS} windows of ${WINDOW_MS / 1000} s)`);
    console.log(`  server CPU, ${SCRAPES_PER_SECOND} scrapes/s:         ${spread(scraped)} (last window: ${last.scrapes} scrapes of ${last.bytes} bytes)`);
    console.log(`  difference per round (scraped - none): ${spread(extra)}`);
    console.log(`  uptime after:  ${uptime()}`);
  } finally {
    abort.abort();
    await streaming;
    channel.close();
    await server.stop();
    await sim.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
