// deploy/systemd/daq-node.service and its environment file: systemd-analyze verify accepts the
// unit without a warning; its policies (restart on failure, graceful stop within TimeoutStopSec,
// hardening) are what the server README promises; and its ExecStart line, with the environment
// file's variables expanded as systemd expands them, starts a node (built dist/: run
// `npx turbo run build` first) that answers Ping and /healthz and on SIGTERM ends its streams
// and exits 0 within the grace period.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaqDataDefinition } from '@daqdata/core';
import fc from 'fast-check';
import { createChannel, createClient, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamRecorder, tempDir } from './helpers.js';
import { launch, serverMain } from './server-process.js';
import { expandExecStart, parseEnvironmentFile, parseUnit, timeSpanSeconds } from './systemd-unit-file.js';

const deploy = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy', 'systemd');
const unitPath = join(deploy, 'daq-node.service');
const envPath = join(deploy, 'daq-node.env');
const unit = parseUnit(await readFile(unitPath, 'utf8'));
const envFile = parseEnvironmentFile(await readFile(envPath, 'utf8'));
const one = (key: string): string => {
  const values = unit.get(key) ?? [];
  expect(values, key).toHaveLength(1);
  return values[0]!;
};

// systemd-analyze comes with Debian's systemd package and verifies a unit file without systemd
// running as PID 1 (as in this container); where it is missing the check cannot run.
const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('daq-node.service', () => {
  it.skipIf(!analyze)('passes systemd-analyze verify without errors or warnings', () => {
    const r = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('restarts on failure but not on a bad configuration, stops by SIGTERM with TimeoutStopSec above the grace period, and is hardened', () => {
    expect(one('Service.Restart')).toBe('on-failure');
    expect(one('Service.RestartPreventExitStatus')).toBe('2'); // daq-server's exit code for a bad configuration
    expect(one('Service.KillSignal')).toBe('SIGTERM');
    expect(timeSpanSeconds(one('Service.TimeoutStopSec'))).toBeGreaterThan(Number(envFile.DAQ_GRACE_SECONDS));
    expect(unit.get('Service.EnvironmentFile')).toEqual(['/etc/daqdata/daq-node.env', '-/etc/daqdata/daq-node.token']);
    for (const [key, value] of [
      ['NoNewPrivileges', 'true'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'true'],
      ['PrivateTmp', 'true'],
      ['CapabilityBoundingSet', ''],
    ]) {
      expect(one(`Service.${key}`), key).toBe(value);
    }
    expect(unit.has('Service.ReadWritePaths'), 'the data roots stay read-only').toBe(false);
  });

  it('its ExecStart line starts a node that answers Ping and /healthz, and on SIGTERM ends its streams and exits 0 within the grace period', async () => {
    expect(existsSync(serverMain), `${serverMain} (run npx turbo run build)`).toBe(true);
    const root = await tempDir('daq-systemd-');
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await mkdir(join(root, 'run'));
    // This machine's values for the installation-specific variables; the others as shipped.
    const env = { ...envFile, DAQ_SERVER: serverMain, DAQ_HOST: '127.0.0.1', DAQ_PORT: '0', DAQ_METRICS_PORT: '0', DAQ_DATA_ROOT: root };
    const argv = expandExecStart(one('Service.ExecStart'), env);
    expect(argv[0]).toBe('/usr/bin/node');
    expect(argv).toContain('--log-format');
    const child = launch(argv.slice(1), cleanups);
    const listening = await child.waitFor((l) => l.msg === 'listening', 'listening line');
    expect(listening.node).toBe(envFile.DAQ_NODE_NAME);

    const channel = createChannel(String(listening.address));
    cleanups.push(async () => channel.close());
    const client = createClient(DaqDataDefinition, channel);
    expect(await client.ping({})).toEqual({});
    expect((await fetch(`${String(listening.metrics)}/healthz`)).status).toBe(200);
    expect(await client.initHpIo({ dataDir: join(root, 'run'), updateIntervalSeconds: 0.001 })).toEqual({ success: true, errorMessage: '' });
    const stream = new StreamRecorder(client, { streamMovieData: true });
    await child.waitFor((l) => l.msg === 'stream started', 'stream started');

    const graceSeconds = Number(envFile.DAQ_GRACE_SECONDS);
    child.proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      child.exited,
      new Promise<'grace period over'>((resolve) => (timer = setTimeout(() => resolve('grace period over'), graceSeconds * 1000))),
    ]);
    clearTimeout(timer);
    expect(outcome).toEqual({ code: 0, signal: null });
    await stream.done;
    expect((stream.error as { code: number }).code).toBe(Status.UNAVAILABLE);
    expect(child.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['signal received', 'stopped']));
  });
});

describe('systemd command-line expansion (as the test runs ExecStart)', () => {
  const word = fc.stringMatching(/^[A-Za-z0-9_./:-]{1,12}$/);
  it('${VAR} is one argument whatever it holds; $VAR is its value split on white space', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 5 }), word, (words, head) => {
        const env = { LIST: words.join('  '), ONE: words.join(' ') };
        expect(expandExecStart(`/bin/x ${head} $LIST`, env)).toEqual(['/bin/x', head, ...words]);
        expect(expandExecStart(`/bin/x --a=\${ONE} \${ONE}`, env)).toEqual(['/bin/x', `--a=${env.ONE}`, env.ONE]);
      }),
    );
  });

  it('refuses a variable the environment file does not set, naming it', () => {
    expect(() => expandExecStart('/bin/x ${NOPE}', {})).toThrow('$NOPE');
  });

  it('reads time spans in systemd units', () => {
    expect([timeSpanSeconds('30'), timeSpanSeconds('30s'), timeSpanSeconds('1min 30s'), timeSpanSeconds('2m')]).toEqual([30, 30, 90, 120]);
  });
});
