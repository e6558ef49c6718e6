// The simulator's injected coincidences recovered exactly: synthetic runs with coincident pulses
// on top of Poisson background events are written to real data directories, read back through
// core's PFF reader and parser, merged in arrival order and fed to the matcher; the groups it
// finds are exactly the pulses in the truth files (modules, quabos, nanosecond times), on one
// node and across two nodes, with rates chosen so accidental groups are vanishingly improbable.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTruthFile, startSimulation, type CoincidentPulse } from '@daqdata/sim';
import { CoincidenceMatcher, coincidences, type CoincidenceGroup } from '../src/index.js';
import { inArrivalOrder, readFileImages, readRunImages } from './helpers/run-images.js';

/** A real recording whose White Rabbit clock was not synchronised. */
const UNSYNCHRONISED = fileURLToPath(new URL('../../../fixtures/pff/start_2025-08-02T05:31:36Z.dp_ph256.bpp_2.module_254.seqno_0.pff', import.meta.url));

const RUN_S = 3;
/** Background pulse-height events per second per module. */
const BACKGROUND = 5;
const PULSES = 20;
const SPREAD_NS = 50;
const WINDOW_NS = 200;
const SEED = 7;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'coincide-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** One node's run: RUN_S seconds of timeline, cut on the timeline (not the wall clock), so it is deterministic. */
async function simulateNode(name: string, modules: number[], injectedInto: number[]): Promise<{ dataDir: string; truth: CoincidentPulse[] }> {
  const dataDir = join(root, name);
  const speed = 1e6;
  const sim = await startSimulation({
    dataDir,
    speed,
    durationMs: (RUN_S * 1000) / speed,
    source: { kind: 'synthetic', modules, dataProducts: ['ph256'], eventRate: BACKGROUND, seed: SEED, coincidences: { rate: PULSES, modules: injectedInto, spreadNs: SPREAD_NS } },
  });
  const result = await sim.done;
  await sim.stop();
  expect(result.ended).toBe('duration');
  expect(sim.truthFile).toBe(join(dataDir, `${sim.runDirName}.coincidences.truth.jsonl`));
  return { dataDir, truth: await readTruthFile(sim.truthFile!) };
}

/** n choose k. */
function choose(n: number, k: number): number {
  return k === 0 ? 1 : (n * choose(n - 1, k - 1)) / k;
}

/**
 * Expected accidental groups of K distinct sources among `sources` Poisson sources of `rate`
 * events/s each, in RUN_S seconds (K events within W: K * r^K * W^(K-1) per set of K), and
 * expected background events falling into a pulse's window (which would change its members).
 */
function accidentals(sources: number, rate: number, k: number, pulses: number, modules: number): { falseGroups: number; contaminated: number } {
  const w = WINDOW_NS * 1e-9;
  return {
    falseGroups: choose(sources, k) * k * rate ** k * w ** (k - 1) * RUN_S,
    contaminated: pulses * modules * BACKGROUND * (2 * w + SPREAD_NS * 1e-9),
  };
}

type Shape = Array<{ moduleId: number; quabo: number; timeNs: bigint }>;

function foundShapes(groups: CoincidenceGroup[]): Shape[] {
  return groups.map((g) => g.members.map((m) => ({ moduleId: m.moduleId, quabo: m.quabo, timeNs: m.timeNs })));
}

/** The truth of several nodes joined by pulse id; the pulses with at least k distinct keys are the groups to find. */
function expectedShapes(truths: CoincidentPulse[][], k: number, keyOf: (moduleId: number) => string | number): Shape[] {
  const byId = new Map<string, CoincidentPulse>();
  for (const p of truths.flat()) {
    const seen = byId.get(p.id);
    byId.set(p.id, seen ? { ...seen, members: [...seen.members, ...p.members] } : p);
  }
  return [...byId.values()]
    .filter((p) => new Set(p.members.map((m) => keyOf(m.moduleId))).size >= k)
    .sort((a, b) => (a.timeNs < b.timeNs ? -1 : 1))
    .map((p) => [...p.members].sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : a.moduleId - b.moduleId)));
}

async function match(images: Parameters<typeof coincidences>[0], matcher: CoincidenceMatcher): Promise<CoincidenceGroup[]> {
  const groups: CoincidenceGroup[] = [];
  for await (const g of coincidences(images, matcher)) groups.push(g);
  return groups;
}

describe('injected coincidences, recovered from disk', () => {
  it('one node: every injected pulse is one group with its modules, quabos and times; nothing else is a group', async () => {
    const modules = [1, 2, 3];
    const { dataDir, truth } = await simulateNode('node-a', modules, modules);
    const k = 2;
    const odds = accidentals(modules.length, BACKGROUND, k, truth.length, modules.length);
    expect(odds.falseGroups).toBeLessThan(1e-3);
    expect(odds.contaminated).toBeLessThan(1e-3);
    expect(truth.length).toBeGreaterThan(RUN_S * PULSES * 0.5);

    const images = await readRunImages(dataDir, 'node-a');
    const matcher = new CoincidenceMatcher({ windowNs: WINDOW_NS, minModules: k });
    const groups = await match(inArrivalOrder(images), matcher);
    expect(foundShapes(groups)).toEqual(expectedShapes([truth], k, (m) => m));
    expect(matcher.stats).toMatchObject({ events: images.length, late: 0, unsynchronised: 0, untimed: 0, pending: 0 });
    // The background is there too: the matcher saw more events than the pulses account for.
    expect(images.length).toBeGreaterThan(truth.length * modules.length);
  });

  it('two nodes (two data directories): pulses seen by modules of both are recovered, by module and by node', async () => {
    const all = [1, 2, 3, 4];
    const a = await simulateNode('node-a', [1, 2], all);
    const b = await simulateNode('node-b', [3, 4], all);
    const hostOf = (moduleId: number) => (moduleId <= 2 ? 'node-a' : 'node-b');
    const images = inArrivalOrder([...(await readRunImages(a.dataDir, 'node-a')), ...(await readRunImages(b.dataDir, 'node-b'))]);
    const both = a.truth.filter((p) => b.truth.some((q) => q.id === p.id)).length;
    expect(both).toBeGreaterThan(RUN_S * PULSES * 0.5);

    // Three distinct modules: only a pulse written by both nodes has them.
    const byModule = accidentals(all.length, BACKGROUND, 3, both, all.length);
    expect(byModule.falseGroups).toBeLessThan(1e-3);
    expect(byModule.contaminated).toBeLessThan(1e-3);
    const moduleMatcher = new CoincidenceMatcher({ windowNs: WINDOW_NS, minModules: 3 });
    const byModuleGroups = await match(images, moduleMatcher);
    expect(foundShapes(byModuleGroups)).toEqual(expectedShapes([a.truth, b.truth], 3, (m) => m));
    expect(byModuleGroups.every((g) => g.nodes.length === 2)).toBe(true);
    expect(moduleMatcher.stats).toMatchObject({ late: 0, unsynchronised: 0, pending: 0 });

    // Two distinct nodes: each node is one source of 2 * BACKGROUND events per second.
    const byNode = accidentals(2, 2 * BACKGROUND, 2, both, all.length);
    expect(byNode.falseGroups).toBeLessThan(1e-3);
    const nodeGroups = await match(images, new CoincidenceMatcher({ windowNs: WINDOW_NS, minModules: 2, by: 'node' }));
    expect(foundShapes(nodeGroups)).toEqual(expectedShapes([a.truth, b.truth], 2, hostOf));
  });

  it('a real recording with an unsynchronised WR clock: left out by default, or matched on arrival time and flagged', async () => {
    const images = await readFileImages(UNSYNCHRONISED, 'real');
    expect(images.length).toBeGreaterThan(1);
    expect(images.every((i) => i.time && !i.time.wrSynchronised)).toBe(true);
    const excluded = new CoincidenceMatcher({ windowNs: 1_000_000_000, minModules: 1 });
    expect(await match(images, excluded)).toEqual([]);
    expect(excluded.stats.unsynchronised).toBe(images.length);

    const arrival = new CoincidenceMatcher({ windowNs: 1_000_000_000, minModules: 1, unsynchronised: 'arrival' });
    const groups = await match(images, arrival);
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.every((g) => g.clock === 'arrival' && g.members.every((m) => !m.wrSynchronised && m.moduleId === 254))).toBe(true);
    expect(groups.flatMap((g) => g.members.map((m) => m.timeNs))).toEqual(images.map((i) => i.time!.arrivalUnixNs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});
