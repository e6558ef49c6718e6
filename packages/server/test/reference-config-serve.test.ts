// The reference's daq_data_server_config.json (test/fixtures/reference, unchanged) given to
// `daq serve --config` and `daq-server --config` as real child processes (built dist/: run
// `npx turbo run build` first): accepted, keys without effect listed once, InitHpIo at start-up
// from default_hp_io_config_file, command-line flags over the file, unconfined with a warning.
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaqDataDefinition } from '@daqdata/core';
import { createChannel, createClient, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamRecorder, tempDir } from './helpers.js';
import { REFERENCE_KEYS_WITHOUT_EFFECT } from './reference-keys.js';
import { cliBin, launch, serverMain } from './server-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const referenceConfig = resolve(here, 'fixtures/reference/daq_data_server_config.json');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


describe.each([
  ['daq serve', [cliBin, 'serve']],
  ['daq-server', [serverMain]],
])("the reference's daq_data_server_config.json given to %s", (_name, entry) => {
  it('is accepted as it is: ignored keys listed once, InitHpIo at start-up, flags over the file, unconfined with a warning', async () => {
    const dir = await tempDir('daq-refserve-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const socket = join(dir, 'daq.sock');
    // The file's unix_domain_socket (/tmp/daq_data.sock) and port (50051) are overridden on the command line.
    const child = launch([...entry, '--config', referenceConfig, '--host', '127.0.0.1', '--port', '0', '--unix-socket', socket, '--max-streams', '2', '--log-format', 'json'], cleanups);
    const listening = await child.waitFor((l) => l.msg === 'listening', 'listening line');
    expect(listening.unixSocket).toBe(socket);

    const ignoredLines = child.lines.map((l) => String(l.msg)).filter((m) => m.startsWith('ignored: '));
    const ignoredKeys = ignoredLines.map((m) => /^ignored: (\S+) — \S/.exec(m)![1]);
    for (const key of [...REFERENCE_KEYS_WITHOUT_EFFECT, 'simulate_daq_cfg.filesystem_cfg', 'read_status_pipe_name']) expect(ignoredKeys.filter((k) => k === key), key).toHaveLength(1);
    expect(new Set(ignoredKeys).size).toBe(ignoredKeys.length);
    expect(child.lines.filter((l) => String(l.msg).startsWith('unconfined:'))).toHaveLength(1);
    // default_hp_io_config_file (hp_io_config_simulate.json) was sent as InitHpIo before listening.
    const followed = child.lines.find((l) => l.msg === 'following data');
    expect(followed).toMatchObject({ client: 'config', simulated: true, intervalSeconds: 0.1 });
    expect(child.lines.indexOf(followed!)).toBeLessThan(child.lines.indexOf(listening));

    const channel = createChannel(String(listening.address));
    cleanups.push(async () => channel.close());
    const client = createClient(DaqDataDefinition, channel);
    // Streams without any InitHpIo of ours: the node initialised itself.
    const streams = [0, 1].map(() => new StreamRecorder(client, { streamMovieData: true, streamPulseHeightData: true, updateIntervalSeconds: -1 }));
    for (const s of streams) cleanups.push(() => s.cancel());
    for (const s of streams) await s.until((r) => r.length >= 1, 'a simulated image', 20_000);
    // --max-streams 2 over max_concurrent_rpcs 100.
    const third = new StreamRecorder(client, { streamMovieData: true });
    await third.done;
    expect((third.error as { code: number }).code).toBe(Status.RESOURCE_EXHAUSTED);

    // Unconfined, as the reference: any existing directory, and a missing one is INVALID_ARGUMENT.
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    expect(await client.initHpIo({ dataDir: elsewhere, updateIntervalSeconds: 0.5, force: true })).toEqual({ success: true, errorMessage: '' });
    const missing = await client.initHpIo({ dataDir: join(dir, 'missing'), updateIntervalSeconds: 0.5 }).catch((e: unknown) => e);
    expect((missing as { code: number }).code).toBe(Status.INVALID_ARGUMENT);

    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});
