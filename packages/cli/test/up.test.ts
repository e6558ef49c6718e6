// `daq up` as a real child process tree (built dist/bin.js: run `npx turbo run build` first):
// N node processes, each replaying its own modules through its own watcher, reached through
// the daq_config.json that daq up writes: by our SDK, and by a plain Python grpcio client that
// treats ip_addr as the reference client does. Without --base-port the nodes take
// 127.0.0.2:50051, 127.0.0.3:50051, ...: the tests that use that layout are all in this file,
// so they run one after another.
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DaqClient, type ParsedImage } from '@daqdata/client';
import { DATA_PRODUCTS, encodeFrame, type FrameHeader } from '@daqdata/core';
import { DEFAULT_ARCHIVE, scanArchive, streamFrames } from '@daqdata/sim';
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from './support/cli-process.js';
import { EXIT } from '../src/exit-codes.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const protoDir = resolve(here, '../../../proto');

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'daq-cli-up-'));
  cleanup.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

/** A base port unlikely to be taken: the nodes listen on consecutive ports from it. */
function basePort(): number {
  return 42_000 + Math.floor(Math.random() * 15_000);
}

function startUp(args: string[]): CliProcess {
  const p = new CliProcess(['up', ...args]);
  cleanup.push(async () => {
    p.kill('SIGKILL');
    await p.exited;
  });
  return p;
}

/** Every frame of the bundled archive, as the bytes of the file. */
async function archiveFrames(): Promise<Set<string>> {
  const archive = await scanArchive(DEFAULT_ARCHIVE);
  const frames = new Set<string>();
  for (const run of archive.runs) for (const s of run.streams) for await (const f of streamFrames(s)) frames.add(Buffer.from(f.raw).toString('base64'));
  return frames;
}

describe('daq up', () => {
  it('serves 3 distinct module sets from 3 node processes, each on its own loopback address at 50051, frames byte-identical to the archive, and stops cleanly', async () => {
    const dir = await tempDir();
    const up = startUp(['--nodes', '3', '--dir', dir, '--speed', '5']);
    await up.waitFor('the config line', (out) => /^config: /m.test(out), 60_000);
    expect(up.stdout).toMatch(/ {2}node-1 {2}127\.0\.0\.2:50051 {2}modules 1,2 /);
    const config = JSON.parse(await readFile(join(dir, 'daq_config.json'), 'utf8')) as { daq_nodes: Array<{ ip_addr: string; module_ids: number[]; data_dir: string }> };
    // Bare hosts, as the reference client expects (it appends :50051 itself).
    expect(config.daq_nodes.map((n) => n.ip_addr)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    expect(config.daq_nodes.map((n) => n.module_ids)).toEqual([[1, 2], [3, 4], [5, 6]]);
    const network = JSON.parse(await readFile(join(dir, 'network_config.json'), 'utf8')) as { daq_nodes: Array<{ ip_addr: string }> };
    expect(network.daq_nodes.map((n) => n.ip_addr)).toEqual(config.daq_nodes.map((n) => n.ip_addr));

    const client = DaqClient.fromConfig(join(dir, 'daq_config.json'), join(dir, 'network_config.json'));
    cleanup.push(() => client[Symbol.asyncDispose]());
    const abort = new AbortController();
    // Each node, through its simulation setting (img16 + ph256): both its modules with both products.
    const hostOf = (ip: string) => `${ip}:50051`;
    const wanted = new Set(config.daq_nodes.flatMap((n, i) => [2 * i + 1, 2 * i + 2].flatMap((m) => [`${hostOf(n.ip_addr)}/${m}/img16`, `${hostOf(n.ip_addr)}/${m}/ph256`])));
    const seen = new Map<string, ParsedImage[]>();
    const timeout = setTimeout(() => abort.abort(), 30_000);
    for await (const image of client.streamImages({ updateIntervalSeconds: 0.05, signal: abort.signal })) {
      const key = `${image.host}/${image.moduleId}/${image.dataProduct}`;
      seen.set(key, [...(seen.get(key) ?? []), image]);
      if ([...wanted].every((k) => seen.has(k))) break;
    }
    clearTimeout(timeout);
    expect(new Set(seen.keys())).toEqual(wanted);

    // Each host served only its own modules.
    for (const [i, node] of config.daq_nodes.entries()) {
      const modules = new Set([...seen.values()].flat().filter((img) => img.host === hostOf(node.ip_addr)).map((img) => img.moduleId));
      expect(modules).toEqual(new Set([2 * i + 1, 2 * i + 2]));
    }
    // What arrives is the archive's frames, byte for byte (header text re-encoded in the recorder's fixed-width format).
    const archived = await archiveFrames();
    for (const img of [...seen.values()].flat()) {
      const bytes = encodeFrame(img.header as unknown as FrameHeader, img.pixels, DATA_PRODUCTS[img.dataProduct]);
      expect(archived.has(Buffer.from(bytes).toString('base64'))).toBe(true);
    }

    up.kill('SIGINT');
    const r = await up.exited;
    expect(r.code).toBe(0);
    // Every node exits on its own, cleanly, once asked to stop (none needs daq up's SIGKILL fallback).
    expect(r.stdout).toMatch(/stopping every node\.\.\.\n {2}node-1 stopped \(exit code 0\)\n {2}node-2 stopped \(exit code 0\)\n {2}node-3 stopped \(exit code 0\)\nstopped\n$/);
    expect(r.stderr).not.toMatch(/died/);
    await expect(access(join(dir, 'nodes'))).rejects.toThrow(/ENOENT/);
    expect(await client.getValidDaqHosts()).toEqual([]);
  }, 120_000);

  it('a plain Python grpcio client reads daq_config.json, appends :50051 to each ip_addr itself, pings and streams every node', async () => {
    const stubs = await tempDir();
    await run('/usr/bin/python3', ['-m', 'grpc_tools.protoc', `-I${protoDir}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, join(protoDir, 'daq_data.proto')]);
    const dir = await tempDir();
    const up = startUp(['--nodes', '2', '--dir', dir, '--speed', '5']);
    await up.waitFor('the config line', (out) => /^config: /m.test(out), 60_000);
    const { stdout } = await run('/usr/bin/python3', [join(here, 'fixtures', 'reference_config_client.py'), stubs, join(dir, 'daq_config.json')], { timeout: 90_000 });
    expect(JSON.parse(stdout)).toEqual([
      { target: '127.0.0.2:50051', ping: true, name: 'node-1', modules: [1, 2], products: ['MOVIE', 'PULSE_HEIGHT'] },
      { target: '127.0.0.3:50051', ping: true, name: 'node-2', modules: [3, 4], products: ['MOVIE', 'PULSE_HEIGHT'] },
    ]);
    up.kill('SIGINT');
    expect((await up.exited).code).toBe(0);
  }, 120_000);

  it('127.0.0.2:50051 taken: daq up fails naming the address and --base-port', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(50051, '127.0.0.2', r));
    cleanup.push(() => new Promise((r) => taken.close(r)));
    const r = await runCli(['up', '--nodes', '1', '--dir', await tempDir(), '--synthetic']);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain('node-1: port 50051 on 127.0.0.2 is in use');
    expect(r.stderr).toMatch(/with --base-port P the nodes run on 127\.0\.0\.1:P, P\+1/);
  }, 60_000);

  it('--host applies only with --base-port; more nodes than 127.0.0.0/24 holds are refused', async () => {
    const host = await runCli(['up', '--host', '127.0.0.1']);
    expect(host.code).toBe(EXIT.usage);
    expect(host.stderr).toContain('--host applies only with --base-port');
    const many = await runCli(['up', '--nodes', '254']);
    expect(many.code).toBe(EXIT.usage);
    expect(many.stderr).toContain('--nodes 254: 127.0.0.0/24 has room for 253 nodes; use --base-port for more');
  });

  it('--base-port: every node on 127.0.0.1 at consecutive ports (ip_addr host:port); reports a node that dies, keeps the others up, and exits non-zero after Ctrl-C', async () => {
    const dir = await tempDir();
    const base = basePort();
    const up = startUp(['--nodes', '2', '--base-port', String(base), '--dir', dir, '--synthetic', '--rate', '5']);
    await up.waitFor('the config line', (out) => /^config: /m.test(out), 60_000);
    const config = JSON.parse(await readFile(join(dir, 'daq_config.json'), 'utf8')) as { daq_nodes: Array<{ ip_addr: string }> };
    expect(config.daq_nodes.map((n) => n.ip_addr)).toEqual([`127.0.0.1:${base}`, `127.0.0.1:${base + 1}`]);
    const pid = Number(/node-2 .* pid (\d+)/.exec(up.stdout)![1]);
    process.kill(pid, 'SIGKILL');
    await up.waitFor('the death report', (_out, err) => /node-2 \(127\.0\.0\.1:\d+, modules 3,4\) died \(SIGKILL\); 1 node still running/.test(err));
    up.kill('SIGINT');
    const r = await up.exited;
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/stopping every node\.\.\.\n {2}node-1 stopped \(exit code 0\)\nstopped\n$/);
    expect(r.stderr).toMatch(/daq: node-2 died while running/);
    await expect(access(join(dir, 'nodes'))).rejects.toThrow(/ENOENT/);
  }, 120_000);
});
