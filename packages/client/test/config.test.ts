import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConfigError, DaqClient, nodesFromAddresses, nodesFromDaqConfig, parseNodeAddress } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daq-client-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function configError(fn: () => unknown): ClientConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ClientConfigError);
    return err as ClientConfigError;
  }
  throw new Error('expected a ClientConfigError');
}

describe('addresses', () => {
  it('normalises host, host:port, [v6]:port and unix:/path', () => {
    expect(parseNodeAddress('10.0.0.5')).toMatchObject({ name: '10.0.0.5:50051', kind: 'tcp', port: 50051 });
    expect(parseNodeAddress('127.0.0.1:50052')).toMatchObject({ name: '127.0.0.1:50052', port: 50052 });
    expect(parseNodeAddress('[::1]:7000')).toMatchObject({ name: '[::1]:7000', host: '::1', port: 7000 });
    expect(parseNodeAddress('unix:/tmp/daq.sock')).toMatchObject({ name: 'unix:/tmp/daq.sock', kind: 'unix', port: undefined });
    expect(parseNodeAddress('unix:///tmp/daq.sock')).toMatchObject({ name: 'unix:/tmp/daq.sock' });
  });

  it('rejects bad ports and empty addresses with the reason', () => {
    expect(parseNodeAddress('host:99999')).toEqual({ problem: '"host:99999": port "99999" is not an integer 1-65535' });
    expect(parseNodeAddress('host:abc')).toMatchObject({ problem: expect.stringContaining('port "abc"') });
    expect(parseNodeAddress('  ')).toEqual({ problem: 'address is empty' });
    expect(parseNodeAddress('unix:')).toMatchObject({ problem: expect.stringContaining('no socket path') });
  });

  it('names the bad entry of an address list', () => {
    const err = configError(() => nodesFromAddresses(['127.0.0.1:1', 'x:0']));
    expect(err.key).toBe('addresses[1]');
    expect(configError(() => nodesFromAddresses([])).reason).toMatch(/empty/);
    expect(configError(() => nodesFromAddresses(['a', 'a:50051'])).reason).toMatch(/same node as addresses\[0\]/);
  });
});

describe('daq_config', () => {
  it('reads nodes from a file, with ports from ip_addr and data_dir kept', async () => {
    const path = join(dir, 'daq_config.json');
    await writeFile(path, JSON.stringify({ daq_nodes: [{ ip_addr: '127.0.0.1:50052', data_dir: '/data/a' }, { ip_addr: '10.0.0.7', data_dir: '/data/b' }] }));
    const nodes = nodesFromDaqConfig(path);
    expect(nodes.map((n) => [n.name, n.dataDir])).toEqual([
      ['127.0.0.1:50052', '/data/a'],
      ['10.0.0.7:50051', '/data/b'],
    ]);
  });

  it('a missing file names its absolute path', () => {
    const err = configError(() => nodesFromDaqConfig('no/such/daq_config.json'));
    expect(err.source).toBe(resolve('no/such/daq_config.json'));
    expect(err.message).toContain(resolve('no/such/daq_config.json'));
    expect(err.reason).toBe('file does not exist');
  });

  it('a missing network_config names its own absolute path', () => {
    const err = configError(() => nodesFromDaqConfig({ daq_nodes: [{ ip_addr: 'a' }] }, join(dir, 'missing_network.json')));
    expect(err.source).toBe(join(dir, 'missing_network.json'));
  });

  it('invalid JSON names the file', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"daq_nodes": [');
    const err = configError(() => nodesFromDaqConfig(path));
    expect(err.source).toBe(path);
    expect(err.reason).toMatch(/not valid JSON/);
  });

  it('empty or missing daq_nodes is an error on the key', () => {
    expect(configError(() => nodesFromDaqConfig({ daq_nodes: [] }))).toMatchObject({ key: 'daq_nodes', reason: expect.stringMatching(/empty/) });
    expect(configError(() => nodesFromDaqConfig({}))).toMatchObject({ key: 'daq_nodes', reason: 'is missing' });
    expect(configError(() => nodesFromDaqConfig({ daq_nodes: {} }))).toMatchObject({ key: 'daq_nodes', reason: 'is not a list' });
  });

  it('a node without ip_addr is named by index', () => {
    const err = configError(() => nodesFromDaqConfig({ daq_nodes: [{ ip_addr: 'a' }, { data_dir: '/d' }] }));
    expect(err.key).toBe('daq_nodes[1].ip_addr');
    expect(err.reason).toBe('is missing');
  });

  it('a bad ip_addr or data_dir names the node by index and ip', () => {
    expect(configError(() => nodesFromDaqConfig({ daq_nodes: [{ ip_addr: 'h:0' }] })).key).toBe('daq_nodes[0] (ip_addr h:0).ip_addr');
    expect(configError(() => nodesFromDaqConfig({ daq_nodes: [{ ip_addr: 7 }] })).key).toBe('daq_nodes[0].ip_addr');
    expect(configError(() => nodesFromDaqConfig({ daq_nodes: [{ ip_addr: 'h', data_dir: 3 }] })).key).toBe('daq_nodes[0] (ip_addr h).data_dir');
  });
});

describe('network_config port forwarding', () => {
  const daq = { daq_nodes: [{ ip_addr: '192.168.1.10', data_dir: '/d' }, { ip_addr: '192.168.1.11:6000' }] };

  it('maps a node to its gateway when port forwarding is on, keeping the port', () => {
    const nodes = nodesFromDaqConfig(daq, {
      daq_nodes: [
        { ip_addr: '192.168.1.10', port_forwarding: { status: true, gw_ip: '203.0.113.5' } },
        { ip_addr: '192.168.1.11:6000', port_forwarding: { status: true, gw_ip: '203.0.113.5' } },
      ],
    });
    expect(nodes.map((n) => [n.name, n.configuredAddress])).toEqual([
      ['203.0.113.5:50051', '192.168.1.10'],
      ['203.0.113.5:6000', '192.168.1.11:6000'],
    ]);
  });

  it('ignores forwarding with status false and nodes it does not list', () => {
    const nodes = nodesFromDaqConfig(daq, { daq_nodes: [{ ip_addr: '192.168.1.10', port_forwarding: { status: false, gw_ip: 'gw' } }] });
    expect(nodes.map((n) => n.name)).toEqual(['192.168.1.10:50051', '192.168.1.11:6000']);
  });

  it('bad port forwarding names the node and the key', () => {
    const noGw = configError(() => nodesFromDaqConfig(daq, { daq_nodes: [{ ip_addr: '192.168.1.10', port_forwarding: { status: true } }] }));
    expect(noGw.key).toBe('daq_nodes[0] (ip_addr 192.168.1.10).port_forwarding.gw_ip');
    expect(noGw.source).toBe('network_config');
    const badStatus = configError(() => nodesFromDaqConfig(daq, { daq_nodes: [{ ip_addr: '192.168.1.10', port_forwarding: { status: 'yes', gw_ip: 'g' } }] }));
    expect(badStatus.key).toBe('daq_nodes[0] (ip_addr 192.168.1.10).port_forwarding.status');
    const notObject = configError(() => nodesFromDaqConfig(daq, { daq_nodes: [{ ip_addr: '192.168.1.10', port_forwarding: 'gw' }] }));
    expect(notObject.key).toBe('daq_nodes[0] (ip_addr 192.168.1.10).port_forwarding');
    expect(configError(() => nodesFromDaqConfig(daq, { daq_nodes: [] })).key).toBe('daq_nodes');
  });

  it('forwarding two nodes onto one gateway address is a duplicate', () => {
    const err = configError(() =>
      nodesFromDaqConfig(
        { daq_nodes: [{ ip_addr: '10.0.0.1' }, { ip_addr: '10.0.0.2' }] },
        { daq_nodes: [{ ip_addr: '10.0.0.1', port_forwarding: { status: true, gw_ip: 'gw' } }, { ip_addr: '10.0.0.2', port_forwarding: { status: true, gw_ip: 'gw' } }] },
      ),
    );
    expect(err.reason).toMatch(/same node as daq_nodes\[0\]/);
  });
});

describe('DaqClient construction', () => {
  it('throws the config error and accepts config objects, paths and addresses', async () => {
    expect(() => DaqClient.fromConfig({ daq_nodes: [] })).toThrow(ClientConfigError);
    await using client = DaqClient.fromAddresses(['127.0.0.1:1', 'unix:/tmp/none.sock']);
    expect(client.hosts).toEqual(['127.0.0.1:1', 'unix:/tmp/none.sock']);
  });

  it('an unknown host is an error listing the valid ones', async () => {
    await using client = DaqClient.fromAddresses(['127.0.0.1:1']);
    await expect(client.ping('10.9.9.9')).rejects.toThrow('unknown DAQ host "10.9.9.9"; valid hosts: 127.0.0.1:1');
  });

  it('bad reconnect options and bad stream requests are rejected before any RPC', async () => {
    expect(() => DaqClient.fromAddresses(['h'], { reconnect: { jitter: 2 } })).toThrow('reconnect.jitter must be between 0 and 1, got 2');
    await using client = DaqClient.fromAddresses(['127.0.0.1:1']);
    await expect(client.streamImages({ movie: false, pulseHeight: false }).next()).rejects.toThrow(/nothing to stream/);
    await expect(client.streamImages({ updateIntervalSeconds: -1 }).next()).rejects.toThrow(/updateIntervalSeconds/);
    expect(client.openCalls).toBe(0);
  });
});
