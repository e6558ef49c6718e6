import { access, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createNodeSimulator } from '../src/daq-simulator.js';
import { moduleMapOnto, startSimulation } from '../src/simulation.js';

/** Waits until the simulation has written a file for every one of these modules. */
async function modulesWritten(dataDir: string, expected: string[]): Promise<string[]> {
  for (;;) {
    const found = (await readdir(dataDir)).sort();
    if (expected.every((m) => found.includes(m))) return found;
    await new Promise((r) => setImmediate(r));
  }
}

describe('module assignment', () => {
  it('feeds wanted modules from the archive modules in turn, ascending', () => {
    const map = moduleMapOnto([254, 1], [5, 6, 7]);
    expect(map(1, 'ph256')).toEqual([5, 7]);
    expect(map(254, 'ph256')).toEqual([6]);
    const one = moduleMapOnto([254, 1], [9]);
    expect(one(1, 'ph256')).toEqual([9]);
    expect(one(254, 'ph256')).toEqual([]);
  });
});

describe('node simulator (InitHpIo simulate_daq)', () => {
  it('replays into a fresh temporary directory per start, with the requested module ids, removed on stop', async () => {
    const simulator = createNodeSimulator({ speed: 10 });
    const a = await simulator.start({ moduleIds: [11, 12, 13] });
    const b = await simulator.start({ moduleIds: [] });
    expect(a.dataDir).not.toBe(b.dataDir);
    expect(await modulesWritten(a.dataDir, ['module_11', 'module_12', 'module_13'])).toEqual(['module_11', 'module_12', 'module_13']);
    expect(await modulesWritten(b.dataDir, ['module_1', 'module_254'])).toEqual(['module_1', 'module_254']);
    await a.stop();
    await b.stop();
    await expect(access(a.dataDir)).rejects.toThrow(/ENOENT/);
    await expect(access(b.dataDir)).rejects.toThrow(/ENOENT/);
  });

  it('generates synthetic modules when configured so', async () => {
    const simulator = createNodeSimulator({ source: { kind: 'synthetic', dataProducts: ['img8'], frameRate: 50 } });
    const sim = await simulator.start({ moduleIds: [4, 2] });
    expect(await modulesWritten(sim.dataDir, ['module_2', 'module_4'])).toEqual(['module_2', 'module_4']);
    await sim.stop();
    await expect(access(sim.dataDir)).rejects.toThrow(/ENOENT/);
  });

  it('a bad archive fails the start with the path named, leaving nothing behind', async () => {
    const simulator = createNodeSimulator({ source: { kind: 'replay', archive: ['/no/such/archive'] } });
    await expect(simulator.start({ moduleIds: [] })).rejects.toThrow(/archive \/no\/such\/archive: no such file or directory/);
    await expect(startSimulation({ speed: 0 })).rejects.toThrow(/speed must be positive/);
  });
});
