// The reference's statuses and reflection, over the wire to a real `daq serve` child process
// (built dist/: run `npx turbo run build` first), asked by a Python grpcio client generated from
// our proto, as reference clients and scripts ask them (REFERENCE section 6).
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecorderFile, runDir, tempDir } from './helpers.js';
import { cliBin, launch } from './server-process.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const protoDir = resolve(here, '../../../proto');
const python = '/usr/bin/python3';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('statuses as the reference gives them, to a Python client of a daq serve process', () => {
  let stubs: string;
  beforeAll(async () => {
    stubs = await tempDir('daq-py-stubs-');
    cleanups.push(() => rm(stubs, { recursive: true, force: true }));
    await run(python, ['-m', 'grpc_tools.protoc', `-I${protoDir}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, join(protoDir, 'daq_data.proto')]);
  });

  it('StreamImages, InitHpIo and reflection (v1alpha and v1) answer with the codes reference clients test for', async () => {
    const root = await tempDir('daq-ref-root-');
    const outside = await tempDir('daq-ref-outside-');
    cleanups.push(() => rm(root, { recursive: true, force: true }), () => rm(outside, { recursive: true, force: true }));
    const file = await RecorderFile.create(await runDir(root, 3), 'img16', 3);
    cleanups.push(() => file.close());
    await file.write(1);
    const minInterval = 0.05;
    const child = launch([cliBin, 'serve', '--host', '127.0.0.1', '--port', '0', '--allow-root', root, '--min-interval', String(minInterval), '--log-format', 'json'], cleanups);
    const listening = await child.waitFor((l) => l.msg === 'listening', 'listening line');

    const { stdout } = await run(python, [join(here, 'fixtures/reference_statuses.py'), stubs, String(listening.address), root, outside, String(minInterval)], { timeout: 60_000 });
    type Reflection = { services: string[]; files: Array<{ name: string; services: string[]; methods: string[] }> };
    const seen = JSON.parse(stdout) as Record<string, [string, string | number]> & { reflection_v1alpha: Reflection; reflection_v1: Reflection };

    expect(seen.stream_no_flags![0]).toBe('INVALID_ARGUMENT');
    expect(seen.stream_before_init).toEqual(['FAILED_PRECONDITION', expect.stringMatching(/^hp_io task is not valid\./)]);
    expect(seen.init_interval_zero).toEqual(['INVALID_ARGUMENT', expect.stringMatching(/update_interval_seconds 0 is below this node's minimum of 0\.05/)]);
    expect(seen.init_interval_below_min).toEqual(['INVALID_ARGUMENT', expect.stringMatching(/0\.025 is below this node's minimum/)]);
    expect(seen.init_simulate_interval_zero).toEqual(['INVALID_ARGUMENT', expect.stringMatching(/below this node's minimum/)]);
    expect(seen.init_missing_inside).toEqual(['INVALID_ARGUMENT', `data_dir '${root}/no-such-dir' does not exist.`]);
    // No existence oracle outside the roots: existing or not, the same answer.
    expect(seen.init_outside_existing).toEqual(['PERMISSION_DENIED', expect.stringMatching(/outside the allowed data roots/)]);
    expect(seen.init_outside_missing).toEqual(['PERMISSION_DENIED', expect.stringMatching(/outside the allowed data roots/)]);
    expect(seen.init_ok).toEqual(['OK', 'True']);
    expect(seen.stream_interval_minus_one).toEqual(['OK', 3]);
    expect(seen.stream_interval_zero).toEqual(['OK', 3]);
    // Both streams ran at the node's interval: max(request, node interval).
    // (The log lines may still be in the pipe when the Python client exits.)
    await child.waitFor((l) => l.msg === 'stream ended' && child.lines.filter((k) => k.msg === 'stream ended').length === 3, 'three streams ended');
    const started = child.lines.filter((l) => l.msg === 'stream started');
    expect(started.map((l) => l.intervalSeconds)).toEqual([minInterval, minInterval, minInterval]);
    expect(seen.init_while_streaming).toEqual(['FAILED_PRECONDITION', expect.stringMatching(/^Cannot modify server state: 1 clients are streaming: c\d+@/)]);
    expect(seen.init_forced).toEqual(['OK', 'True']);
    expect(seen.held_stream_end![0]).toBe('CANCELLED');

    for (const version of ['reflection_v1alpha', 'reflection_v1'] as const) {
      const r = seen[version];
      expect(r.services.sort(), version).toEqual(['daqdata.DaqData', 'grpc.health.v1.Health']);
      expect(r.files, version).toEqual([
        { name: 'grpc/health/v1/health.proto', services: ['Health'], methods: ['Check', 'Watch'] },
        { name: 'daq_data.proto', services: ['DaqData'], methods: ['StreamImages', 'InitHpIo', 'Ping', 'UploadImages', 'StreamRoiStats', 'GetRoiStatistics'] },
      ]);
    }
  });
});
