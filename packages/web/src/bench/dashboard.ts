// Bench: the whole array through `daq web` into headless Chromium. `daq up` simulates
// NODES x MODULES_PER_NODE modules (45), each writing img16 movie frames and ph256 events at
// 10 Hz; `daq web` asks each node for every image (--interval 0.1 s per module and kind); the
// page draws them. Per run, over the measuring window: frames drawn per second, images dropped
// (replaced on the server before the socket took them, and received but replaced before the
// next animation frame), the delay from the node's send (its response timestamp) to the canvas
// update (p50 / p99), and the CPU share of the `daq web` process (/proc utime + stime). Figures
// only, min / median / max over the runs, with the load beside; nothing asserted.
//
// The CLI is run from its built dist by path (the CLI depends on this package, not the reverse).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const DAQ = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url));
const NODES = 3;
const MODULES_PER_NODE = 15;
const RATE_HZ = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 60);
const WARMUP_S = 5;
const CLK_TCK = 100;

function start(args: string[]): { child: ChildProcess; line: (re: RegExp) => Promise<RegExpExecArray> } {
  const child = spawn(process.execPath, [DAQ, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.resume();
  const line = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        for (const l of lines) {
          const m = re.exec(l);
          if (m) return resolve(m);
        }
        if (child.exitCode !== null) return reject(new Error(`daq ${args[0]} exited before printing ${re}`));
        waiters.push(check);
      };
      child.once('exit', check);
      check();
    });
  return { child, line };
}

function cpuSeconds(pid: number): number {
  // Fields after the command name: utime and stime are 14th and 15th of the whole line.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

interface RunFigures {
  drawnPerS: number;
  serverSkippedPerS: number;
  browserDroppedPerS: number;
  delayP50Ms: number;
  delayP99Ms: number;
  webCpuPercent: number;
}

async function once(run: number): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'daq-web-bench-'));
  const base = 42_000 + Math.floor(Math.random() * 15_000);
  const up = start(['up', '--nodes', String(NODES), '--modules-per-node', String(MODULES_PER_NODE), '--base-port', String(base), '--dir', join(dir, 'up'),
    '--synthetic', '--rate', String(RATE_HZ), '--event-rate', String(RATE_HZ), '--seed', String(run + 1)]);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  let web: ReturnType<typeof start> | undefined;
  try {
    await up.line(/^config: /);
    web = start(['web', join(dir, 'up', 'daq_config.json'), '--port', '0', '--interval', String(1 / RATE_HZ)]);
    const url = (await web.line(/^dashboard: (\S+)$/))[1]!;
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    await page.goto(url);
    await sleep(WARMUP_S * 1000);
    type Snap = { drawn: number; received: number; skipped: number; delays: number };
    const snap = () =>
      page.evaluate(() => {
        const s = (globalThis as any).daqWeb.stats;
        return { drawn: s.drawn, received: s.received, skipped: s.lastHealth?.skipped ?? 0, delays: s.delaysMs.length } as Snap;
      });
    const a = await snap();
    const cpuA = cpuSeconds(web.child.pid!);
    const t0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const b = await snap();
    const cpuB = cpuSeconds(web.child.pid!);
    const dt = (performance.now() - t0) / 1000;
    const delays = (await page.evaluate(([from, to]) => (globalThis as any).daqWeb.stats.delaysMs.slice(from, to) as number[], [a.delays, b.delays])).sort((x, y) => x - y);
    return {
      drawnPerS: (b.drawn - a.drawn) / dt,
      serverSkippedPerS: (b.skipped - a.skipped) / dt,
      browserDroppedPerS: (b.received - a.received - (b.drawn - a.drawn)) / dt,
      delayP50Ms: quantile(delays, 0.5),
      delayP99Ms: quantile(delays, 0.99),
      webCpuPercent: ((cpuB - cpuA) / dt) * 100,
    };
  } finally {
    await browser.close();
    for (const p of [web?.child, up.child]) {
      if (!p || p.exitCode !== null) continue;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const figures: RunFigures[] = [];
for (let r = 0; r < RUNS; r++) {
  figures.push(await once(r));
  const f = figures[figures.length - 1]!;
  console.log(`run ${r + 1}: ${Object.entries(f).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
}
const load = loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`\ndaq web: ${NODES * MODULES_PER_NODE} modules x 2 products at ${RATE_HZ} Hz, headless Chromium, ${WINDOW_S} s windows, ${RUNS} runs (load ${load})`);
console.log('figure                         min      median   max');
for (const key of Object.keys(figures[0]!) as (keyof RunFigures)[]) {
  const v = figures.map((f) => f[key]).sort((x, y) => x - y);
  console.log(`${key.padEnd(28)} ${v[0]!.toFixed(1).padStart(8)} ${v[Math.floor(v.length / 2)]!.toFixed(1).padStart(8)} ${v[v.length - 1]!.toFixed(1).padStart(8)}`);
}
