// The built CLI against real nodes: output and exit code of every client command, and the
// error cases (unreachable host, bad config, bad arguments, no arguments).
import { writeFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePanoImage } from '@daqdata/core';
import { createNodeSimulator } from '@daqdata/sim';
import { EXIT } from '../src/exit-codes.js';
import { imageSummaryLine } from '../src/output/image-output.js';
import { CliProcess, runCli } from './support/cli-process.js';
import { movieImage, ph256Image } from './support/pano-images.js';
import { closedPort, startTestNode, tempDir, type TestNode } from './support/test-node.js';

let node: TestNode;
let dir: string;
let deadPort: number;

beforeAll(async () => {
  node = await startTestNode({ simulator: createNodeSimulator() });
  dir = await tempDir();
  deadPort = await closedPort();
});

afterAll(async () => {
  await node?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function writeJson(name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

describe('daq with no command or bad arguments', () => {
  it('prints help and exits with the usage code when given nothing', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toContain('Usage: daq');
    for (const c of ['ping', 'list-hosts', 'reflect', 'init', 'init-sim', 'stream', 'record', 'replay', 'plot', 'serve']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    }
  });

  it('--help on a command exits 0', async () => {
    const r = await runCli(['plot', 'view', '--help']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('--refresh-period');
    expect(r.stdout).toContain('--module-ids');
  });

  it('rejects a bad option value naming the option', async () => {
    const r = await runCli(['stream', '--host', node.address, '--module-ids', '1,x']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("option '--module-ids");
    expect(r.stderr).toContain('module id "x" is not a non-negative integer');
  });

  it('says how to name nodes when none are given', async () => {
    const r = await runCli(['ping']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain('no DAQ nodes given');
  });
});

describe('daq ping', () => {
  it('reports a live node and exits 0', async () => {
    const r = await runCli(['ping', '--host', node.address]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(new RegExp(`^host ${node.address} answers \\(\\d+\\.\\d ms\\)$`, 'm'));
  });

  it('an unreachable host: non-zero exit and "host <addr> unreachable (reason)"', async () => {
    const r = await runCli(['ping', '--host', `127.0.0.1:${deadPort}`]);
    expect(r.code).toBe(EXIT.unreachable);
    // The reason is the SDK's: grpc-js's status and details for a refused connection.
    expect(r.stderr).toMatch(new RegExp(`host 127\\.0\\.0\\.1:${deadPort} unreachable \\(UNAVAILABLE: .*ECONNREFUSED 127\\.0\\.0\\.1:${deadPort}.*\\)`));
  });
});

describe('daq list-hosts', () => {
  it('lists each configured host, whether it answers and its latency', async () => {
    const config = await writeJson('daq_config.json', {
      daq_nodes: [
        { ip_addr: node.address, data_dir: node.root },
        { ip_addr: `127.0.0.1:${deadPort}`, data_dir: '/nowhere' },
      ],
    });
    const r = await runCli(['list-hosts', config]);
    expect(r.code).toBe(EXIT.ok);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^HOST\s+ANSWERS\s+LATENCY\s+DATA_DIR$/);
    expect(lines.find((l) => l.startsWith(node.address))).toMatch(new RegExp(`^${node.address}\\s+yes\\s+\\d+\\.\\d ms\\s+${node.root}$`));
    expect(lines.find((l) => l.startsWith(`127.0.0.1:${deadPort}`))).toMatch(/\s+no\s+-\s+\/nowhere$/);

    const json = await runCli(['list-hosts', '--config', config, '--json']);
    const rows = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { host: string; answers: boolean; reason: string | null });
    expect(rows.map((r) => [r.host, r.answers])).toEqual([
      [node.address, true],
      [`127.0.0.1:${deadPort}`, false],
    ]);
    expect(rows[0]!.reason).toBeNull();
    expect(rows[1]!.reason).toMatch(/^UNAVAILABLE: .*ECONNREFUSED/);
  });

  it('exits with the unreachable code when no host answers', async () => {
    const r = await runCli(['list-hosts', '--hosts', `127.0.0.1:${deadPort}`]);
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr).toContain(`host 127.0.0.1:${deadPort} unreachable (`);
  });
});

describe('bad config', () => {
  it('names the path, key and reason', async () => {
    const config = await writeJson('bad_daq_config.json', { daq_nodes: [{ data_dir: '/x' }] });
    const r = await runCli(['ping', config]);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain(`${config}: daq_nodes[0].ip_addr: is missing`);
  });

  it('a missing file is named with its absolute path', async () => {
    const r = await runCli(['list-hosts', join(dir, 'absent.json')]);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain(`${join(dir, 'absent.json')}: daq_config: file does not exist`);
  });

  it('a bad network_config names its key', async () => {
    const config = await writeJson('daq_config_gw.json', { daq_nodes: [{ ip_addr: '10.0.0.5' }] });
    const network = await writeJson('network_config.json', { daq_nodes: [{ ip_addr: '10.0.0.5', port_forwarding: { status: true } }] });
    const r = await runCli(['ping', config, network]);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain(`${network}: daq_nodes[0] (ip_addr 10.0.0.5).port_forwarding.gw_ip: must be a non-empty string`);
  });
});

describe('daq reflect', () => {
  it('lists the services and DaqData methods', async () => {
    const r = await runCli(['reflect', '--hosts', node.address]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain(`${node.address}: services`);
    expect(r.stdout).toContain('daqdata.DaqData');
    for (const m of ['StreamImages', 'InitHpIo', 'Ping', 'UploadImages']) expect(r.stdout).toContain(`rpc ${m}(`);
  });

  it('an unreachable named host exits with the unreachable code', async () => {
    const r = await runCli(['reflect', '--host', `127.0.0.1:${deadPort}`]);
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr).toContain(`host 127.0.0.1:${deadPort} unreachable (`);
  });
});

/** The reference's hp_io configs, recreated from REFERENCE section 6 (shared with the server's tests). */
const referenceFixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../server/test/fixtures/reference');

describe('daq init', () => {
  it("accepts the reference's hp_io configs unchanged (comments and every documented key)", async () => {
    const sim = await runCli(['init', join(referenceFixtures, 'hp_io_config_simulate.json'), '--host', node.address]);
    expect(sim.stderr).toBe('');
    expect(sim.code).toBe(EXIT.ok);
    expect(sim.stdout).toBe(`host ${node.address}: InitHpIo ok\n`);
    // Read, sent, and refused by the node for its own reason (its data_dir is outside this node's roots), not by the CLI.
    const real = await runCli(['init', join(referenceFixtures, 'hp_io_config.json'), '--host', node.address]);
    expect(real.code).toBe(EXIT.rejected);
    expect(real.stderr).toMatch(/InitHpIo failed \(.*\/mnt\/panoseti\/data.*outside the allowed data roots/);
    const hpIo = await writeJson('hp_io_back_ref.json', { data_dir: node.root, update_interval_seconds: 0.1, force: true });
    expect((await runCli(['init', hpIo, '--host', node.address])).code).toBe(EXIT.ok);
  });

  it('names an unknown key of an hp_io config', async () => {
    const hpIo = await writeJson('hp_io_typo.json', { data_dir: node.root, update_interval_seconds: 0.1, coments: 'x' });
    const r = await runCli(['init', hpIo, '--host', node.address]);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain(`${hpIo}: coments: is not a known key (known: data_dir, update_interval_seconds, force, simulate_daq, module_ids, comments)`);
  });

  it('sends InitHpIo from hp_io_config.json and reports success', async () => {
    const hpIo = await writeJson('hp_io_config.json', { data_dir: node.root, update_interval_seconds: 0.1, force: true, simulate_daq: false, module_ids: [] });
    const r = await runCli(['init', hpIo, '--host', node.address]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe(`host ${node.address}: InitHpIo ok\n`);
  });

  it('a node refusing (data_dir outside its roots) is exit 5 with the node\'s reason', async () => {
    const hpIo = await writeJson('hp_io_outside.json', { data_dir: dir, update_interval_seconds: 0.1, force: true });
    const r = await runCli(['init', hpIo, '--host', node.address]);
    expect(r.code).toBe(EXIT.rejected);
    expect(r.stderr).toMatch(new RegExp(`host ${node.address}: InitHpIo failed \\(.+\\)`));
  });

  it('a bad hp_io_config names file, key and reason', async () => {
    const hpIo = await writeJson('hp_io_bad.json', { data_dir: node.root, update_interval_seconds: 'fast' });
    const r = await runCli(['init', hpIo, '--host', node.address]);
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain(`${hpIo}: update_interval_seconds: must be a positive number, got "fast"`);
  });

  it('init-sim switches the node to simulated data', async () => {
    const r = await runCli(['init-sim', '--host', node.address, '--force', '--refresh-period', '0.1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe(`host ${node.address}: InitHpIo (simulated) ok\n`);
    // Put the node back on its (empty) data root for the other tests.
    const hpIo = await writeJson('hp_io_back.json', { data_dir: node.root, update_interval_seconds: 0.1, force: true });
    expect((await runCli(['init', hpIo, '--host', node.address])).code).toBe(EXIT.ok);
  });
});

describe('daq stream', () => {
  const images = [movieImage(1, 0), ph256Image(1, 2, 0), movieImage(2, 0), ph256Image(2, 3, 0)];

  it('prints one summary line per image', async () => {
    const p = new CliProcess(['stream', '--host', node.address, '--count', '4', '--refresh-period', '0.01', '--module-ids', '1,2', '--log-level', 'info']);
    await p.waitFor('the stream to connect', (_o, e) => e.includes('connected'));
    await node.upload(images);
    const r = await p.exited;
    expect(r.code).toBe(EXIT.ok);
    const lines = r.stdout.trimEnd().split('\n');
    const expected = images.map((img) => imageSummaryLine(parsePanoImage(img, { host: node.address })));
    expect([...lines].sort()).toEqual([...expected].sort());
    expect(lines.some((l) => l.includes(' module 2 ph256 quabo 3 frame 0 '))).toBe(true);
  });

  it('--json prints NDJSON with the parsed fields, nanosecond times as strings', async () => {
    const p = new CliProcess(['stream', '--host', node.address, '--count', '2', '--refresh-period', '0.01', '--json', '--module-ids', '7', '--log-level', 'info']);
    await p.waitFor('the stream to connect', (_o, e) => e.includes('connected'));
    // Module 5 is filtered out by --module-ids.
    await node.upload([movieImage(5, 1), movieImage(7, 1), ph256Image(7, 1, 1)]);
    const r = await p.exited;
    expect(r.code).toBe(EXIT.ok);
    const objs = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(objs.map((o) => o.moduleId)).toEqual([7, 7]);
    const ph = objs.find((o) => o.dataProduct === 'ph256')!;
    const expected = parsePanoImage(ph256Image(7, 1, 1), { host: node.address });
    expect(ph.quabo).toBe(1);
    expect(ph.pixels).toEqual(Array.from(expected.pixels));
    expect(ph.time.wrUnixNs).toBe(expected.time!.wrUnixNs!.toString());
    expect(ph.time.arrivalUnixNs).toBe(expected.time!.arrivalUnixNs.toString());
    expect(ph.header).toEqual(expected.header);
    expect(typeof ph.serverTimestamp).toBe('string');
  });
});

describe('stopping and the live plots without a terminal', () => {
  it('stream stops cleanly on SIGINT with exit 0', async () => {
    const p = new CliProcess(['stream', '--host', node.address, '--refresh-period', '0.01', '--log-level', 'info']);
    await p.waitFor('the stream to connect', (_o, e) => e.includes('connected'));
    p.kill('SIGINT');
    const r = await p.exited;
    expect(r.code).toBe(EXIT.ok);
  });

  it('plot phdist draws each module\'s histogram per window, and SIGINT ends it with exit 0', async () => {
    const p = new CliProcess(['plot', 'phdist', '--host', node.address, '--refresh-period', '0.2', '--windows', '10,60', '--module-ids', '11,12', '--log-level', 'info']);
    await p.waitFor('the stream to connect', (_o, e) => e.includes('connected'));
    await node.upload([ph256Image(11, 0, 1), ph256Image(12, 2, 1), movieImage(11, 1)]);
    await p.waitFor('both modules', (o) => o.includes('module 11 · event maximum, ADC · log counts') && o.includes('module 12 · event maximum, ADC · log counts'));
    const frame = p.stdout.slice(p.stdout.lastIndexOf('daq plot phdist'));
    expect(frame).toContain('events 10 s: 1, 1 min: 1');
    // The event's maximum pixel (3000 + seq): one bin, a full-height bar of count 1, on an ADC axis from 3001 to 3002.
    expect(frame).toMatch(/^1 ┤█+$/m);
    expect(frame).toMatch(/^ {3}3001 +3002 ADC$/m);
    p.kill('SIGINT');
    expect((await p.exited).code).toBe(EXIT.ok);
  });

  it('plot view without a terminal prints frames (no colour when NO_COLOR is set)', async () => {
    const p = new CliProcess(['plot', 'view', '--host', node.address, '--refresh-period', '0.2', '--module-ids', '21', '--log-level', 'info'], { NO_COLOR: '1' });
    await p.waitFor('the stream to connect', (_o, e) => e.includes('connected'));
    await node.upload([movieImage(21, 2)]);
    await p.waitFor('module 21', (o) => o.includes('module 21 · ') && o.includes('movie img16 · frame 2'));
    expect(p.stdout).not.toContain('\x1b[');
    expect(p.stdout).toMatch(/[░▒▓█]/);
    p.kill('SIGINT');
    expect((await p.exited).code).toBe(EXIT.ok);
  });
});
