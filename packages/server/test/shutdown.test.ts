// Shutdown as a real child process (built dist/: run `npx turbo run build` first): SIGTERM ends
// streams with a status, removes the Unix socket file and exits 0. Both entry points:
// the server's own daq-server and the CLI's `daq serve`.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DaqDataDefinition } from '@daqdata/core';
import { createChannel, createClient, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamRecorder, tempDir } from './helpers.js';
import { cliBin, launch as launchChild, serverMain } from './server-process.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const launch = (command: string[]) => launchChild(command, cleanups);

describe.each([
  ['daq-server', [serverMain]],
  ['daq serve', [cliBin, 'serve']],
])('shutdown of %s', (_name, entry) => {
  it('on SIGTERM ends streams with UNAVAILABLE, removes the socket file and exits 0', async () => {
    expect(existsSync(entry[0]!), `${entry[0]} (run npx turbo run build)`).toBe(true);
    const dir = await tempDir('daq-shutdown-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const socket = join(dir, 'daq.sock');
    const child = launch([...entry, '--host', '127.0.0.1', '--port', '0', '--unix-socket', socket, '--allow-root', dir, '--log-format', 'json', '--grace', '3', '--node-name', 'child-node', '--upload-relay']);
    const listening = await child.waitFor((l) => l.msg === 'listening', 'listening line');
    expect(existsSync(socket)).toBe(true);

    const tcp = createChannel(String(listening.address));
    // nice-grpc parses "unix:/path" as host "unix" port-less; the "unix://" form passes through to grpc-js.
    const unix = createChannel(`unix://${socket}`);
    cleanups.push(async () => (tcp.close(), unix.close()));
    const viaTcp = new StreamRecorder(createClient(DaqDataDefinition, tcp), { streamMovieData: true });
    const viaUnix = new StreamRecorder(createClient(DaqDataDefinition, unix), { streamPulseHeightData: true });
    expect(await createClient(DaqDataDefinition, unix).ping({})).toEqual({});
    await child.waitFor((l) => l.msg === 'stream started' && String(l.client).includes('c2'), 'second stream');
    // Every stream line names its client.
    expect(child.lines.filter((l) => l.msg === 'stream started').every((l) => typeof l.client === 'string')).toBe(true);

    child.proc.kill('SIGTERM');
    const { code } = await child.exited;
    expect(code).toBe(0);
    await Promise.all([viaTcp.done, viaUnix.done]);
    for (const s of [viaTcp, viaUnix]) {
      expect((s.error as { code: number }).code).toBe(Status.UNAVAILABLE);
      expect(String(s.error)).toMatch(/shutting down/);
    }
    expect(existsSync(socket)).toBe(false);
    expect(child.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['signal received', 'shutting down', 'stopped']));
  });
});

describe('simulate_daq in the server process', () => {
  it('InitHpIo(simulate_daq) follows the plugged-in simulator and streams its frames', async () => {
    const dir = await tempDir('daq-sim-node-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const child = launch([serverMain, '--host', '127.0.0.1', '--port', '0', '--allow-root', dir, '--log-format', 'json']);
    const listening = await child.waitFor((l) => l.msg === 'listening', 'listening line');
    const channel = createChannel(String(listening.address));
    cleanups.push(async () => channel.close());
    const client = createClient(DaqDataDefinition, channel);
    expect(await client.initHpIo({ simulateDaq: true, updateIntervalSeconds: 0.05 })).toEqual({ success: true, errorMessage: '' });
    const s = new StreamRecorder(client, { streamMovieData: true, streamPulseHeightData: true });
    cleanups.push(() => s.cancel());
    await s.until((r) => r.length >= 3, 'three simulated images', 20_000);
    expect(s.images().every((p) => p.shape.length === 2 && p.imageArray.length === p.shape[0]! * p.shape[1]!)).toBe(true);
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});

describe('bad configuration at start', () => {
  it('exits non-zero naming the key and the reason', async () => {
    const child = launch([serverMain, '--max-streams', 'many']);
    const { code } = await child.exited;
    expect(code).toBe(2);
    expect(child.lines.map((l) => l.msg).join('\n')).toMatch(/"maxStreams" must be a positive integer/);
  });
});
