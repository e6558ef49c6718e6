// The sync-style face in a child process (plain calls, plain for...of) against real nodes.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaqNode, type DaqNodeProcess } from './helpers/daq-node-process.js';
import { freePort } from './helpers/free-port.js';
import { startProducer, type Producer } from './helpers/producer.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./helpers/sync-face-child.mjs', import.meta.url));

let nodes: DaqNodeProcess[] = [];
let producers: Producer[] = [];
let dataRoot: string;
beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'daq-client-sync-'));
  nodes = await Promise.all([startDaqNode({ name: 'sync-a', dataRoot }), startDaqNode({ name: 'sync-b', dataRoot })]);
  producers = nodes.map((n, i) => startProducer(n.address, 10 + i));
});
afterAll(async () => {
  await Promise.all(producers.map((p) => p.stop()));
  await Promise.all(nodes.map((n) => n.kill()));
  await rm(dataRoot, { recursive: true, force: true });
});

async function child(args: string[]): Promise<Record<string, any>> {
  const { stdout } = await run(process.execPath, [CHILD, ...args], { timeout: 30_000, env: { ...process.env, DAQ_TEST_DATA_DIR: dataRoot } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('sync face', () => {
  it('returns values directly and streams with a plain for...of', async () => {
    const addresses = nodes.map((n) => n.address);
    const out = await child(['stream', ...addresses]);
    expect(out.hosts).toEqual(addresses);
    expect(out.ping).toEqual([true, true]);
    expect(out.probe).toEqual({ host: addresses[0], ok: true, latencyMs: expect.any(Number), firstPingMs: expect.any(Number) });
    expect(out.valid).toEqual([...addresses].sort());
    expect(out.status).toEqual(Object.fromEntries(addresses.map((a) => [a, true])));
    expect(out.init).toEqual({ success: true, hosts: { [addresses[0]!]: { success: true, errorMessage: '' } } });
    expect(out.initMissing.success).toBe(false);
    expect(out.initMissing.hosts[addresses[0]!].errorMessage).toMatch(/^INVALID_ARGUMENT: .*missing/);
    expect(out.unknownHost).toEqual({ name: 'UnknownHostError', message: `unknown DAQ host "10.255.255.1:1"; valid hosts: ${addresses.join(', ')}` });
    for (const [i, a] of addresses.entries()) {
      const fromA = out.images.filter((img: any) => img.host === a);
      expect(fromA.length).toBeGreaterThanOrEqual(3);
      expect(fromA.every((img: any) => img.moduleId === 10 + i && img.dataProduct === 'img16' && img.pixels === 'Uint16Array')).toBe(true);
      expect(fromA.every((img: any) => /^\d+$/.test(img.wrUnixNs))).toBe(true);
    }
    expect(out.openCallsAfterBreak).toBe(0);
    expect(out.events).toEqual(expect.arrayContaining(addresses.map((a) => `connected ${a}`)));
  });

  it('probe gives the reason a dead host does not answer; uploadImages throws UploadError', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const out = await child(['dead', dead]);
    expect(out.probe).toEqual({ host: dead, ok: false, latencyMs: expect.any(Number), firstPingMs: expect.any(Number), reason: expect.stringMatching(/^UNAVAILABLE: .*ECONNREFUSED/) });
    expect(out.upload).toEqual({
      name: 'UploadError',
      isUploadError: true,
      hostCount: 1,
      failures: [{ host: dead, code: Status.UNAVAILABLE, codeName: 'UNAVAILABLE', details: expect.stringContaining('ECONNREFUSED') }],
      message: expect.stringMatching(new RegExp(`^UploadImages failed on 1 of 1 host\\(s\\): ${dead.replace(/\./g, '\\.')}: UNAVAILABLE: `)),
    });
  });

  it('throws configuration errors synchronously, with the absolute path', async () => {
    const missing = join(tmpdir(), 'no-such-dir-daq', 'daq_config.json');
    const out = await child(['config-error', missing]);
    expect(out.error).toEqual({ name: 'ClientConfigError', message: `${missing}: daq_config: file does not exist`, source: missing, key: 'daq_config' });
  });
});
