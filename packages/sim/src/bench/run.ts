// Benchmark: the highest synthetic frame rate this machine sustains, generating and writing
// through the run writer as fast as possible (speed Infinity), so `daq simulate --rate` can be
// set knowingly. Prints figures only. `npm run bench -w @daqdata/sim` (after a build).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataProduct } from '@daqdata/core';
import { startSimulation } from '../simulation.js';
import { syntheticTimeline } from '../synth/synthetic-timeline.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

async function generateOnly(dp: DataProduct): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const _ of syntheticTimeline({ modules: [1], dataProducts: [dp], frameRate: 1000, eventRate: 1000, seed: 1, startNs: 0n })) {
    if (++n % 256 === 0 && performance.now() - t0 > SECONDS * 1000) break;
  }
  return n / ((performance.now() - t0) / 1000);
}

async function generateAndWrite(dp: DataProduct, chunkBytes?: number): Promise<{ fps: number; mbps: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'daq-sim-bench-'));
  try {
    const t0 = performance.now();
    // A frame rate far above what can be written: the pacer never waits, so this is the sustained write rate.
    const sim = await startSimulation({
      dataDir: dir,
      speed: Infinity,
      source: { kind: 'synthetic', modules: [1], dataProducts: [dp], frameRate: 1_000_000, eventRate: 1_000_000, seed: 1 },
      maxFileBytes: 256 * 1024 * 1024,
      ...(chunkBytes !== undefined ? { chunkBytes } : {}),
      onFrame: (_f, _due, writtenMs) => {
        if (writtenMs > SECONDS * 1000) void sim.stop();
      },
    });
    const result = await sim.done;
    await sim.stop();
    const s = (performance.now() - t0) / 1000;
    return { fps: result.written.frames / s, mbps: result.written.bytes / s / 1e6 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`@daqdata/sim benchmark: synthetic frames, one module, ${SECONDS} s per case, data in ${tmpdir()}`);
for (const dp of ['img16', 'img8', 'ph1024', 'ph256'] as const) {
  const gen = await generateOnly(dp);
  const whole = await generateAndWrite(dp);
  const chunked = await generateAndWrite(dp, 64 * 1024);
  console.log(
    `${dp.padEnd(7)} generate only ${fmt(gen).padStart(7)} frames/s | generate+write whole frames ${fmt(whole.fps).padStart(7)} frames/s (${whole.mbps.toFixed(1)} MB/s) | 64 KiB buffered writes ${fmt(chunked.fps).padStart(7)} frames/s (${chunked.mbps.toFixed(1)} MB/s)`,
  );
}
