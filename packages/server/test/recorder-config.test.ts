// Configuring recorder acquisition: the recorderSockets / statusPipe keys and their rules, the
// --recorder-* and --status-pipe flags, and the shipped daq-server (built dist/: run
// `npx turbo run build` first) taking frames from a recorder socket given on its command line.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { DaqDataDefinition } from '@daqdata/core';
import { createChannel, createClient } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { REFERENCE_RECORDER_SOCKETS, resolveServerConfig } from '../src/config/server-config.js';
import { addServeOptions, flagsToOverrides, type ServeFlags } from '../src/daemon/serve-command.js';
import { StreamRecorder, tempDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const serverMain = join(here, '..', 'dist', 'bundle', 'daq-server.js');
const writerScript = join(here, 'fixtures', 'recorder_socket_writer.py');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const resolveWith = (values: Record<string, unknown>) => resolveServerConfig([{ source: 'server.json', values }], '/srv');
const sockets = (over: Record<string, unknown>) => ({ recorderSockets: { ...REFERENCE_RECORDER_SOCKETS, ...over } });

function parseFlags(argv: string[]): ServeFlags {
  const cmd = addServeOptions(new Command('daq-server')).exitOverride();
  cmd.parse(argv, { from: 'user' });
  return cmd.opts<ServeFlags>();
}

describe('recorder acquisition configuration', () => {
  it('is off by default; relative paths resolve against the working directory', () => {
    expect(resolveWith({})).toMatchObject({ recorderSockets: null, statusPipe: null });
    const c = resolveWith({ ...sockets({ socketPathTemplate: 'run/rec.dp_{dp_name}.sock' }), statusPipe: 'read_status_2' });
    expect(c.recorderSockets).toEqual({ ...REFERENCE_RECORDER_SOCKETS, socketPathTemplate: '/srv/run/rec.dp_{dp_name}.sock' });
    expect(c.statusPipe).toBe('/srv/read_status_2');
  });

  it('names the key and the reason for every bad value', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [sockets({ dataProducts: ['img16', 'img32'] }), '"recorderSockets" .dataProducts: "img32" is not a data product (img16, img8, ph1024, ph256)'],
      [sockets({ dataProducts: [] }), '"recorderSockets" .dataProducts is empty'],
      [sockets({ dataProducts: ['ph256', 'ph256'] }), '"recorderSockets" .dataProducts lists a data product twice'],
      [sockets({ socketPathTemplate: '/tmp/one.sock' }), '"recorderSockets" .socketPathTemplate "/tmp/one.sock" has no {dp_name}'],
      [sockets({ socketPathTemplate: '' }), '"recorderSockets" .socketPathTemplate must be a non-empty string'],
      [sockets({ readTimeoutSeconds: 0 }), '"recorderSockets" .readTimeoutSeconds must be a number of seconds > 0'],
      [sockets({ readTimeoutSeconds: 1e9 }), '"recorderSockets" .readTimeoutSeconds must be a number of seconds > 0 and <= 2147483'],
      [sockets({ read_timeout: 600 }), '"recorderSockets" .read_timeout is not a known setting'],
      [{ recorderSockets: true }, '"recorderSockets" must be an object'],
      [{ statusPipe: 3 }, '"statusPipe" must be a non-empty string'],
    ];
    for (const [values, message] of bad) expect(() => resolveWith(values), JSON.stringify(values)).toThrow(`server.json: ${message}`);
    // One product needs no placeholder.
    expect(resolveWith(sockets({ dataProducts: ['img16'], socketPathTemplate: '/tmp/one.sock' })).recorderSockets?.socketPathTemplate).toBe('/tmp/one.sock');
  });

  it('maps the flags: --recorder-socket alone means the reference settings', () => {
    expect(flagsToOverrides(parseFlags(['--recorder-socket'])).recorderSockets).toEqual(REFERENCE_RECORDER_SOCKETS);
    expect(flagsToOverrides(parseFlags([])).recorderSockets).toBeUndefined();
    const o = flagsToOverrides(parseFlags(['--recorder-socket', '/run/r.{dp_name}', '--recorder-products', 'img16, ph256', '--recorder-read-timeout', '30', '--status-pipe', '/run/st']));
    expect(o).toMatchObject({ recorderSockets: { socketPathTemplate: '/run/r.{dp_name}', dataProducts: ['img16', 'ph256'], readTimeoutSeconds: 30 }, statusPipe: '/run/st' });
    expect(() => resolveServerConfig([{ source: 'command line', values: flagsToOverrides(parseFlags(['--recorder-products', 'img9'])) }])).toThrow(
      'command line: "recorderSockets" .dataProducts: "img9" is not a data product',
    );
  });

  it('daq-server takes frames from the recorder socket and status pipe named on its command line, and removes the socket at SIGTERM', async () => {
    const dir = await tempDir('daq-rec-cli-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const template = join(dir, 'r.dp_{dp_name}.sock');
    const proc = spawn(process.execPath, [serverMain, '--port', '0', '--host', '127.0.0.1', '--log-format', 'json', '--recorder-socket', template, '--recorder-products', 'ph256', '--status-pipe', join(dir, 'st')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    });
    const lines: Array<Record<string, unknown>> = [];
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: proc.stderr! }).on('line', (line) => {
        const l = JSON.parse(line) as Record<string, unknown>;
        lines.push(l);
        if (l.msg === 'listening') resolve(Number(String(l.address).split(':').pop()));
      });
      void exited.then((code) => reject(new Error(`daq-server exited (${code}): ${JSON.stringify(lines)}`)));
    });
    const socketPath = template.replace('{dp_name}', 'ph256');
    expect(lines.filter((l) => l.msg === 'recorder socket listening').map((l) => l.socket)).toEqual([socketPath]);
    expect(lines.some((l) => l.msg === 'draining the status pipe')).toBe(true);

    const channel = createChannel(`127.0.0.1:${port}`);
    cleanups.push(async () => channel.close());
    const stream = new StreamRecorder(createClient(DaqDataDefinition, channel), { streamPulseHeightData: true });
    cleanups.push(() => stream.cancel());
    // The Python recorder connects, writes one frame and closes.
    const writer = spawn('python3', [writerScript], { stdio: ['pipe', 'pipe', 'inherit'] });
    writer.stdin.end(`${JSON.stringify({ op: 'connect', conn: 'a', path: socketPath })}\n${JSON.stringify({ op: 'frames', conn: 'a', dp: 'ph256', frames: [[42, 1]] })}\n${JSON.stringify({ op: 'close', conn: 'a' })}\n`);
    expect(await new Promise((resolve) => writer.once('exit', resolve))).toBe(0);
    const [got] = await stream.until((rs) => rs.length > 0, 'the ph256 frame');
    expect(got!.response.panoImage).toMatchObject({ file: 'uds_ph256', moduleId: 42, frameNumber: 0, shape: [16, 16] });

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
  });
});
