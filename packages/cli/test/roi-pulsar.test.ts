// The pulsing star end to end through the CLI (issue 17): `daq up --synthetic --pulsar-frequency`
// (a real node process following the simulator's files at 1,000 frames/s), `daq roi --json` as a
// child process; the frequency of the printed light curve is the one asked for within 0.1 Hz.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strongestFrequency } from '@daqdata/core';
import { afterEach, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { CliProcess, runCli } from './support/cli-process.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

it('daq up --pulsar-frequency 30.3 at 1 kHz: daq roi --json gives a light curve whose frequency is 30.3 Hz within 0.1 Hz', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'daq-cli-pulsar-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const base = 42_000 + Math.floor(Math.random() * 15_000);
  const up = new CliProcess(['up', '--nodes', '1', '--base-port', String(base), '--dir', dir, '--synthetic', '--products', 'img16', '--rate', '1000', '--pulsar-frequency', '30.3', '--seed', '3']);
  cleanup.push(async () => {
    up.kill('SIGKILL');
    await up.exited;
  });
  await up.waitFor('the pulsar line', (out) => /^pulsar: a star at each module's centre pulsing at 30.3 Hz/m.test(out), 60_000);
  const n = 3000;
  const r = await runCli(['roi', join(dir, 'daq_config.json'), '--roi', 'pulsar=13,6,13,6', '--background', 'pulsar=0,32,0,4', '--count', String(n), '--json', '--duration', '60']);
  expect(r.code).toBe(EXIT.ok);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { module: number; timeNs: string; wrSynchronised: boolean; rois: { pulsar: { signal: number } } });
  expect(lines).toHaveLength(n);
  // One module's curve, in its own time order (the node's records are in order per module).
  const module = lines[0]!.module;
  const mine = lines.filter((l) => l.module === module);
  expect(mine.length).toBeGreaterThan(n / 4);
  expect(mine.every((l) => l.wrSynchronised)).toBe(true);
  const t0 = BigInt(mine[0]!.timeNs);
  const t = mine.map((l) => Number(BigInt(l.timeNs) - t0) / 1e9);
  const found = strongestFrequency(t, mine.map((l) => l.rois.pulsar.signal), { minHz: 1, maxHz: 200 });
  expect(Math.abs(found.frequencyHz - 30.3)).toBeLessThan(0.1);
});
