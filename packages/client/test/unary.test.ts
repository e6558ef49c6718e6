// Host discovery, reflection, InitHpIo and UploadImages against real nodes; construction from
// daq_config + network_config files; a unix-socket node.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Status } from 'nice-grpc';
import { DaqClient, NoResponsiveHostsError, UnknownHostError, UploadError, findNode, nodesFromAddresses, selectNodes, type ParsedImage } from '../src/index.js';
import { startDaqNode, type DaqNodeProcess } from './helpers/daq-node-process.js';
import { freePort } from './helpers/free-port.js';
import { panoImage } from './helpers/images.js';

let dir: string;
let live: DaqNodeProcess[] = [];
let deadAddress: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daq-client-unary-'));
  live = await Promise.all([
    startDaqNode({ name: 'u-a', dataRoot: dir }),
    startDaqNode({ name: 'u-b', dataRoot: dir, unixSocket: join(dir, 'node-b.sock') }),
  ]);
  deadAddress = `127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  await Promise.all(live.map((n) => n.kill()));
  await rm(dir, { recursive: true, force: true });
});

describe('discovery and unary calls', () => {
  it('ping, getValidDaqHosts and getDaqHostStatus tell live nodes from a dead one', async () => {
    await using client = DaqClient.fromAddresses([live[0]!.address, deadAddress, `unix:${join(dir, 'node-b.sock')}`], { pingTimeoutMs: 2000 });
    expect(await client.ping(live[0]!.address)).toBe(true);
    expect(await client.ping(deadAddress, { timeoutMs: 500 })).toBe(false);
    expect((await client.getValidDaqHosts()).sort()).toEqual([live[0]!.address, `unix:${join(dir, 'node-b.sock')}`].sort());
    expect(await client.getDaqHostStatus()).toEqual({ [live[0]!.address]: true, [deadAddress]: false, [`unix:${join(dir, 'node-b.sock')}`]: true });
  });

  it('probe gives the latency, or the real reason a host did not answer; ping is its boolean', async () => {
    await using client = DaqClient.fromAddresses([live[0]!.address, deadAddress]);
    const ok = await client.probe(live[0]!.address, { timeoutMs: 5000 });
    expect(ok).toEqual({ host: live[0]!.address, ok: true, latencyMs: expect.any(Number), firstPingMs: expect.any(Number) });
    expect(ok.latencyMs).toBeGreaterThan(0);
    expect(ok.firstPingMs).toBeGreaterThan(0);
    const refused = await client.probe(deadAddress, { timeoutMs: 5000 });
    expect(refused.ok).toBe(false);
    expect(refused.host).toBe(deadAddress);
    // grpc-js's own status and details: nothing listens on the port.
    expect(refused.reason).toMatch(new RegExp(`^UNAVAILABLE: .*ECONNREFUSED ${deadAddress.replace(/\./g, '\\.')}$`));
    expect(refused.reason).not.toMatch(/Resolution note/); // grpc-js's empty trailer is dropped
    expect(await client.ping(deadAddress, { timeoutMs: 5000 })).toBe(false);
    await expect(client.probe('nowhere:1')).rejects.toThrow(UnknownHostError);
  });

  it('probe of a host that accepts the connection and never answers: DEADLINE_EXCEEDED after the timeout', async () => {
    // A TCP listener that never speaks HTTP/2: the Ping can only time out.
    const sockets = new Set<Socket>();
    const silent = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      await using client = DaqClient.fromAddresses([address]);
      const r = await client.probe(address, { timeoutMs: 300 });
      expect(r).toEqual({ host: address, ok: false, latencyMs: expect.any(Number), firstPingMs: expect.any(Number), reason: 'DEADLINE_EXCEEDED after 300 ms' });
      expect(sockets.size).toBeGreaterThan(0); // it did connect: the timeout is the answer's, not the connection's
      // A stream names the same reason when the host is gone.
      await using streaming = DaqClient.fromAddresses([address], { pingTimeoutMs: 300, reconnect: false });
      const gone = new Promise<string>((resolve) => streaming.onStatus((e) => e.type === 'gone' && resolve(e.reason)));
      for await (const _ of streaming.streamImages({ hosts: [address] })) throw new Error('a silent host sent an image');
      expect(await gone).toBe('DEADLINE_EXCEEDED after 300 ms (reconnect is off)');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('findNode and selectNodes turn what a caller types into configured nodes', () => {
    const nodes = nodesFromAddresses(['10.0.0.2', '10.0.0.3:50052', 'unix:/run/daq.sock']);
    expect(findNode(nodes, '10.0.0.2')?.name).toBe('10.0.0.2:50051'); // the configured text
    expect(findNode(nodes, '10.0.0.2:50051')?.name).toBe('10.0.0.2:50051'); // the canonical name
    expect(findNode(nodes, '10.0.0.3')).toBeUndefined(); // that host, but not on the default port
    expect(findNode(nodes, 'unix:/run/daq.sock')?.name).toBe('unix:/run/daq.sock');
    expect(selectNodes(nodes, ['10.0.0.3:50052', '10.0.0.2', '10.0.0.2:50051']).map((n) => n.name)).toEqual(['10.0.0.3:50052', '10.0.0.2:50051']);
    expect(() => selectNodes(nodes, 'nowhere:1')).toThrow(new UnknownHostError('nowhere:1', ['10.0.0.2:50051', '10.0.0.3:50052', 'unix:/run/daq.sock']));
  });

  it('hosts omitted means every responsive host; an unknown host lists the valid ones; none alive is an error', async () => {
    await using client = DaqClient.fromAddresses([live[0]!.address, deadAddress]);
    const [r] = await client.reflectServices();
    expect(client.hosts).toEqual([live[0]!.address, deadAddress]);
    expect(r!.host).toBe(live[0]!.address);
    await expect(client.initHpIo('nowhere:1', { updateIntervalSeconds: 1 })).rejects.toThrow(UnknownHostError);
    await expect(client.initHpIo('nowhere:1', { updateIntervalSeconds: 1 })).rejects.toThrow(`valid hosts: ${live[0]!.address}, ${deadAddress}`);
    await using deadOnly = DaqClient.fromAddresses([deadAddress]);
    await expect(deadOnly.getValidDaqHosts()).resolves.toEqual([]);
    await expect(deadOnly.streamImages().next()).rejects.toThrow(NoResponsiveHostsError);
  });

  it('reflectServices lists DaqData and its methods', async () => {
    await using client = DaqClient.fromAddresses([live[0]!.address]);
    const [r] = await client.reflectServices(live[0]!.address);
    expect(r!.services).toContain('daqdata.DaqData');
    expect(r!.daqDataMethods.map((m) => m.name).sort()).toEqual(['GetRoiStatistics', 'InitHpIo', 'Ping', 'StreamImages', 'StreamRoiStats', 'UploadImages']);
    expect(r!.daqDataMethods.find((m) => m.name === 'StreamImages')).toEqual({
      name: 'StreamImages',
      requestType: 'daqdata.StreamImagesRequest',
      responseType: 'daqdata.StreamImagesResponse',
      clientStreaming: false,
      serverStreaming: true,
    });
  });

  it('initHpIo uses each node\'s data_dir from daq_config and reports failures per host', async () => {
    const cfg = join(dir, 'daq_config.json');
    await writeFile(cfg, JSON.stringify({ daq_nodes: [{ ip_addr: live[0]!.address, data_dir: dir }, { ip_addr: `unix:${join(dir, 'node-b.sock')}`, data_dir: join(dir, 'absent') }] }));
    await using client = DaqClient.fromConfig(cfg);
    const result = await client.initHpIo(undefined, { updateIntervalSeconds: 0.5 });
    expect(result.success).toBe(false);
    expect(result.hosts[live[0]!.address]).toEqual({ success: true, errorMessage: '' });
    expect(result.hosts[`unix:${join(dir, 'node-b.sock')}`]!.errorMessage).toMatch(/^INVALID_ARGUMENT: .*absent/);
  });

  it('network_config port forwarding reaches the node through its gateway address', async () => {
    const port = live[0]!.port;
    await using client = DaqClient.fromConfig(
      { daq_nodes: [{ ip_addr: `192.0.2.77:${port}`, data_dir: dir }] },
      { daq_nodes: [{ ip_addr: `192.0.2.77:${port}`, port_forwarding: { status: true, gw_ip: '127.0.0.1' } }] },
    );
    expect(client.hosts).toEqual([live[0]!.address]);
    expect(await client.ping(`192.0.2.77:${port}`)).toBe(true); // the configured name still works
  });

  it('uploadImages gives every host every image', async () => {
    const hosts = [live[0]!.address, `unix:${join(dir, 'node-b.sock')}`];
    await using client = DaqClient.fromAddresses(hosts);
    const connected = new Set<string>();
    const allConnected = new Promise<void>((resolve) =>
      client.onStatus((e) => {
        if (e.type === 'connected') connected.add(e.host);
        if (connected.size === 2) resolve();
      }),
    );
    const stream = client.streamImages({ movie: false, pulseHeight: true, updateIntervalSeconds: 0.01 });
    const got: ParsedImage[] = [];
    const collecting = (async () => {
      for await (const img of stream) {
        got.push(img);
        if (hosts.every((h) => got.some((g) => g.host === h && g.moduleId === 99))) break;
      }
    })();
    await allConnected;
    // Uploads keep coming (one batch per round, each to both hosts) until both streams have seen module 99.
    let round = 0;
    while (!hosts.every((h) => got.some((g) => g.host === h && g.moduleId === 99))) {
      // An async generator source: read once, teed to both hosts.
      await client.uploadImages(undefined, (async function* () {
        yield panoImage({ dp: 'ph256', moduleId: 99, seq: round++ });
      })());
      if (round > 200) throw new Error('images never arrived');
    }
    await collecting;
    for (const h of hosts) expect(got.some((g) => g.host === h && g.dataProduct === 'ph256' && g.pixels instanceof Int16Array)).toBe(true);
    expect(client.openCalls).toBe(0);
  });

  it('uploadImages to a dead and a live host rejects naming the dead one, without holding the live one back', async () => {
    await using client = DaqClient.fromAddresses([live[0]!.address, deadAddress]);
    // More images than one host's queue holds: a stuck dead branch would block the live one.
    const images = Array.from({ length: 200 }, (_, seq) => panoImage({ moduleId: 98, seq }));
    const err = await client.uploadImages([live[0]!.address, deadAddress], images).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(UploadError);
    const upload = err as UploadError;
    expect(upload.hostCount).toBe(2);
    expect(upload.failures).toEqual([{ host: deadAddress, code: Status.UNAVAILABLE, codeName: 'UNAVAILABLE', details: expect.stringContaining('ECONNREFUSED') }]);
    expect(upload.message).toMatch(new RegExp(`^UploadImages failed on 1 of 2 host\\(s\\): ${deadAddress.replace(/\./g, '\\.')}: UNAVAILABLE`));
    expect(upload.message).not.toContain(live[0]!.address);
  });

  it('uploadImages whose source throws rejects with that error, not as a host failure', async () => {
    await using client = DaqClient.fromAddresses([live[0]!.address]);
    const broken = new Error('record file truncated');
    const err = await client
      .uploadImages([live[0]!.address], (async function* () {
        yield panoImage({ moduleId: 97, seq: 0 });
        throw broken;
      })())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBe(broken);
  });

  it('close() ends an open stream and its reconnect loop; the status iterator completes', async () => {
    const client = DaqClient.fromAddresses([live[0]!.address, deadAddress]);
    const seen: string[] = [];
    const statusDone = (async () => {
      for await (const e of client.statusEvents()) seen.push(`${e.type} ${e.host}`);
    })();
    const connected = new Promise<void>((resolve) => client.onStatus((e) => e.type === 'connected' && resolve()));
    // The dead host is named explicitly: it is retried (reconnecting) until close().
    const consuming = (async () => {
      let n = 0;
      for await (const _ of client.streamImages({ hosts: [live[0]!.address, deadAddress], updateIntervalSeconds: 0.01 })) n++;
      return n;
    })();
    await connected;
    await client.close();
    expect(await consuming).toBe(0);
    await statusDone;
    expect(seen).toContain(`connected ${live[0]!.address}`);
    expect(seen.some((s) => s.startsWith('reconnecting ') && s.endsWith(deadAddress))).toBe(true);
    expect(client.openCalls).toBe(0);
    await expect(client.ping(live[0]!.address)).rejects.toThrow('DaqClient is closed');
  });
});
