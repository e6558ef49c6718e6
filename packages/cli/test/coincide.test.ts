// `daq coincide` as a real child process against real nodes (`daq up`, two node processes,
// each injecting the same coincident pulses into its own modules): every group it prints is an
// injected pulse, exactly (modules, quabos, nanosecond times), seen across both nodes, and no
// injected pulse between them is missed (every-frame delivery). And the
// flags that shape coincidences and injection are checked before anything starts.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTruthFile, type CoincidentPulse } from '@daqdata/sim';
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from './support/cli-process.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'daq-cli-coincide-'));
  cleanup.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

interface GroupJson {
  clock: string;
  startNs: string;
  spanNs: string;
  modules: number[];
  nodes: string[];
  members: Array<{ host: string; moduleId: number; quabo: number; timeNs: string; peak: { value: number } }>;
}

/** Every node's truth, joined by pulse id. */
async function truthOf(dir: string): Promise<Map<string, CoincidentPulse>> {
  const pulses = new Map<string, CoincidentPulse>();
  for (const node of await readdir(join(dir, 'nodes'))) {
    for (const f of (await readdir(join(dir, 'nodes', node))).filter((n) => n.endsWith('.coincidences.truth.jsonl'))) {
      for (const p of await readTruthFile(join(dir, 'nodes', node, f))) {
        const seen = pulses.get(p.id);
        pulses.set(p.id, seen ? { ...seen, members: [...seen.members, ...p.members] } : p);
      }
    }
  }
  return pulses;
}

describe('daq coincide', () => {
  it('prints injected pulses seen by the modules of two daq up nodes, each exactly as injected (NDJSON)', async () => {
    const dir = await tempDir();
    const base = 42_000 + Math.floor(Math.random() * 15_000);
    const up = new CliProcess(['up', '--nodes', '2', '--base-port', String(base), '--dir', dir, '--synthetic', '--products', 'ph256', '--event-rate', '1', '--coincident-rate', '5', '--coincident-spread', '50', '--seed', '11']);
    cleanup.push(async () => {
      up.kill('SIGKILL');
      await up.exited;
    });
    await up.waitFor('the injection line', (out) => /^injected coincidences: truth in /m.test(out), 60_000);
    expect(up.stdout).toContain(`npx daq coincide ${join(dir, 'daq_config.json')} --window 1000 --min-modules 2`);

    const result = await runCli(['coincide', join(dir, 'daq_config.json'), '--window', '200', '--min-modules', '4', '--json', '--count', '3', '--duration', '60']);
    expect(result.stderr).toMatch(/daq coincide: \d+ groups of \d+ events from \d+ images \(late \d+, unsynchronised WR clock 0, untimed 0/);
    expect(result.code).toBe(0);
    const groups = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as GroupJson);
    expect(groups).toHaveLength(3);

    const truth = await truthOf(dir);
    for (const g of groups) {
      expect(g.clock).toBe('white-rabbit');
      expect(g.modules).toEqual([1, 2, 3, 4]);
      expect(g.nodes).toEqual([`127.0.0.1:${base}`, `127.0.0.1:${base + 1}`]);
      expect(BigInt(g.spanNs)).toBeLessThanOrEqual(200n);
      const pulse = [...truth.values()].find((p) => p.members.some((m) => String(m.timeNs) === g.members[0]!.timeNs && m.moduleId === g.members[0]!.moduleId));
      expect(pulse, `group at ${g.startNs} is an injected pulse`).toBeDefined();
      const shape = (ms: Array<{ moduleId: number; quabo: number; timeNs: string | bigint }>) => ms.map((m) => `${m.moduleId}/${m.quabo}/${m.timeNs}`).sort();
      expect(shape(g.members)).toEqual(shape(pulse!.members));
      // The brightest pixel of a blob of amplitude >= 150 and width >= 0.5 px is >= 150/e = 55, plus noise of sd 6.
      for (const m of g.members) expect(m.peak.value).toBeGreaterThan(20);
    }
    // Every event is delivered (every-frame): no injected pulse between the first and the last
    // group printed is missing.
    const times = [...truth.values()].map((p) => p.members.reduce((t, m) => (BigInt(m.timeNs) < t ? BigInt(m.timeNs) : t), BigInt(p.members[0]!.timeNs))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const first = BigInt(groups[0]!.startNs);
    const last = BigInt(groups.at(-1)!.startNs);
    expect(times.filter((t) => t >= first && t <= last)).toHaveLength(groups.length);
  }, 120_000);

  it('rejects bad coincidence and injection flags with a clear message and exit code 2, before contacting a node', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['coincide', '--hosts', '127.0.0.1:1', '--window', '0', '--min-modules', '2'], /windowNs must be 1 \.\. 10000000000 ns, got 0/],
      [['coincide', '--hosts', '127.0.0.1:1', '--window', '1.5', '--min-modules', '2'], /"1\.5" is not a whole number of nanoseconds/],
      [['coincide', '--hosts', '127.0.0.1:1', '--window', '100', '--min-modules', '5000'], /minModules must be an integer 1 \.\. 4096, got 5000/],
      [['coincide', '--hosts', '127.0.0.1:1', '--min-modules', '2'], /required option '--window <ns>' not specified/],
      [['coincide', '--hosts', '127.0.0.1:1', '--window', '100', '--min-modules', '2', '--idle-flush', '4000000'], /--idle-flush 4000000 is above 3600000 ms/],
      [['simulate', '--synthetic', '--coincident-rate', '5000'], /"5000" is above 1000 pulses per second/],
      [['simulate', '--synthetic', '--coincident-spread', '10'], /add --coincident-rate/],
      [['simulate', '--coincident-rate', '5'], /--coincident-rate applies only to synthetic frames: add --synthetic/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('daq simulate --coincident-rate writes the truth beside the run and says where', async () => {
    const dir = await tempDir();
    const r = await runCli(['simulate', dir, '--synthetic', '--modules', '1,2', '--products', 'ph256', '--coincident-rate', '50', '--speed', '1000', '--frames', '200']);
    expect(r.code).toBe(0);
    const file = /injected coincidences: truth in (\S+)/.exec(r.stdout)?.[1];
    expect(file).toBeDefined();
    expect(file!.startsWith(dir)).toBe(true);
    const truth = await readTruthFile(file!);
    expect(truth.length).toBeGreaterThan(0);
    for (const p of truth) expect(p.members.map((m) => m.moduleId)).toEqual([1, 2]);
    expect((await readFile(file!, 'utf8')).split('\n').filter(Boolean)).toHaveLength(truth.length);
  });
});
