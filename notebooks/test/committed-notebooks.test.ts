// What the committed notebooks must be: cleared (outputs come only from a real run, never from
// an edit), on the tslab kernel, importing our packages by name, with their figures marked.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '..');
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
      expect(source).toMatch(/from '@daqdata\/client'/);
      expect(source).not.toMatch(/from '\.{1,2}\//);
    });
  });
});
