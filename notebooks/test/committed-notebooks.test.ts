// What the committed notebooks must be: cleared (outputs come only from a real run, never from
// an edit), on the tslab kernel, importing our packages by name, with their figures marked.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTEBOOK_PACKAGES } from './notebook-packages.js';

const DIR = join(import.meta.dirname, '..');
const PACKAGES = join(DIR, '..', 'packages');


/** Workspace packages a package depends on at run time (dependencies, not devDependencies), transitively. */
function runtimeWorkspaceDeps(name: string, seen = new Set<string>()): Set<string> {
  const pkg = JSON.parse(readFileSync(join(PACKAGES, name.replace('@daqdata/', ''), 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (dep.startsWith('@daqdata/') && !seen.has(dep)) {
      seen.add(dep);
      runtimeWorkspaceDeps(dep, seen);
    }
  }
  return seen;
}

describe('what notebooks import', () => {
  it('never depends on @daqdata/cli, server or sim at run time (the record format is in core)', () => {
    const roots = [...new Set(NOTEBOOK_PACKAGES.map((p) => p.split('/').slice(0, 2).join('/')))];
    const reached = new Set(roots.flatMap((p) => [...runtimeWorkspaceDeps(p)]));
    expect(reached.has('@daqdata/core')).toBe(true);
    for (const heavy of ['@daqdata/cli', '@daqdata/server', '@daqdata/sim']) expect(reached.has(heavy), heavy).toBe(false);
    // The check can fail: the CLI does depend on the server and the simulator.
    expect([...runtimeWorkspaceDeps('@daqdata/cli')]).toEqual(expect.arrayContaining(['@daqdata/server', '@daqdata/sim']));
  });
});
const notebooks = readdirSync(DIR).filter((f) => f.endsWith('.ipynb')).sort();

describe('committed notebooks', () => {
  it('include the three of issue 8', () => {
    expect(notebooks).toEqual(expect.arrayContaining(['quickstart.ipynb', 'pulse-height.ipynb', 'record-and-replay.ipynb']));
  });

  describe.each(notebooks)('%s', (file) => {
    const nb = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    const codeCells = nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
    const source = codeCells.map((c: { source: string[] }) => c.source.join('')).join('\n');

    it('runs on the tslab TypeScript kernel', () => {
      expect(nb.metadata.kernelspec.name).toBe('tslab');
    });

    it('carries cleared outputs', () => {
      for (const cell of codeCells) {
        expect(cell.outputs).toEqual([]);
        expect(cell.execution_count).toBeNull();
      }
    });

    it('has figure cells tagged "plot" and imports workspace packages by name only', () => {
      expect(codeCells.some((c: { metadata: { tags?: string[] } }) => c.metadata.tags?.includes('plot'))).toBe(true);
      expect(source).toMatch(/from '@daqdata\/client(\/sync)?'/);
      expect(source).not.toMatch(/from '\.{1,2}\//);
    });

    it('imports only packages that load neither the CLI, the server nor the simulator', () => {
      const imported = [...source.matchAll(/from '(@daqdata\/[^']+)'/g)].map((m) => m[1]);
      expect(imported.length).toBeGreaterThan(0);
      for (const spec of imported) expect(NOTEBOOK_PACKAGES).toContain(spec);
    });
  });
});
