// The daemon plugs the simulator in lazily for real: daq-server (the shipped bundle, and the
// unbundled dist/daemon/main.js) starts and listens without loading @daqdata/sim's code, and
// loads it on the first InitHpIo(simulate_daq). Which files a process loads, and when, comes from
// an import trace (scripts/trace-imports.mjs) interleaved with its log lines on stderr.
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaqDataDefinition } from '@daqdata/core';
import { createChannel, createClient } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { launch, serverMain } from './server-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const traceImports = join(here, '..', '..', '..', 'scripts', 'trace-imports.mjs');
const bundleDir = dirname(serverMain);
const unbundledMain = join(here, '..', 'dist', 'daemon', 'main.js');

/** The bundle's chunk holding the simulator: the one with its run directories' name prefix. */
function simulatorChunk(): string {
  const chunks = readdirSync(bundleDir).filter((f) => f.endsWith('.js') && /["'`]daq-sim-["'`]/.test(readFileSync(join(bundleDir, f), 'utf8')));
  expect(chunks, 'exactly one bundle chunk holds the simulator').toHaveLength(1);
  return `/bundle/${chunks[0]!}`;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.each([
  ['the daq-server bundle', serverMain, simulatorChunk],
  ['dist/daemon/main.js', unbundledMain, () => '/packages/sim/dist/'],
])('%s', (_name, entry, simulatorFiles) => {
  it('listens without loading the simulator and loads it on the first InitHpIo(simulate_daq)', async () => {
    const marker = simulatorFiles();
    const dir = await tempDir('daq-lazy-sim-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const child = launch(['--import', traceImports, entry, '--host', '127.0.0.1', '--port', '0', '--allow-root', dir, '--log-format', 'json'], cleanups);
    const listening = await child.waitFor((l) => l.msg === 'listening', 'listening line');
    const simulatorLoaded = (l: Record<string, unknown>) => typeof l.msg === 'string' && l.msg.startsWith('import file://') && l.msg.includes(marker);
    expect(child.lines.filter((l) => String(l.msg).startsWith('import file://')).length, 'the trace works').toBeGreaterThan(0);
    expect(child.lines.filter(simulatorLoaded)).toEqual([]);

    const channel = createChannel(String(listening.address));
    cleanups.push(async () => channel.close());
    const client = createClient(DaqDataDefinition, channel);
    expect(await client.initHpIo({ simulateDaq: true, updateIntervalSeconds: 0.05 })).toEqual({ success: true, errorMessage: '' });
    expect(child.lines.filter(simulatorLoaded).length).toBeGreaterThan(0);
    expect(child.lines.findIndex(simulatorLoaded)).toBeGreaterThan(child.lines.indexOf(listening));
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});
