// `npm run notebooks` as CI runs it: a real `daq up`, real Jupyter, the real tslab kernel.
// Needs the build (npx turbo run build) and scripts/notebooks/setup.sh.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeNotebook } from '../../scripts/notebooks/execute-notebook.mjs';
import { freePortRun, portIsFree } from '../../scripts/notebooks/observatory.mjs';
import { NOTEBOOK_PACKAGES } from './notebook-packages.js';

const REPO = join(import.meta.dirname, '..', '..');

function runNode(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('notebooks', () => {
  it('load every package they import through require(), as the tslab kernel does', async () => {
    // tslab compiles cells to CommonJS: an ES module graph with a top-level await cannot be
    // require()d, and the whole notebook fails on its import cell.
    const packages = [...NOTEBOOK_PACKAGES, 'rxjs'];
    const script = `for (const p of ${JSON.stringify(packages)}) { require(p); console.log('loaded ' + p); }`;
    const { code, output } = await runNode(['-e', script]);
    expect(output).toContain('loaded rxjs');
    expect(code, output).toBe(0);
  });

  it('all execute against a fresh simulated observatory, every cell ok and every plot cell with an image', async () => {
    const { code, output } = await runNode([join(REPO, 'scripts', 'notebooks', 'run.mjs')]);
    for (const nb of ['quickstart', 'pulse-height', 'record-and-replay', 'pulsar-light-curve']) expect(output, output).toContain(`ok    notebooks/${nb}.ipynb`);
    expect(output).toMatch(/notebooks ok: \d+ of \d+ notebooks ran cleanly in [\d.]+ s/);
    expect(code, output).toBe(0);
  });

  it('quickstart starts (and stops) its own observatory with daq up when DAQ_CONFIG is unset', async () => {
    const outputDir = await mkdtemp(join(tmpdir(), 'daqdata-quickstart-'));
    try {
      const basePort = await freePortRun(2);
      const result = await executeNotebook(join(REPO, 'notebooks', 'quickstart.ipynb'), {
        outputDir,
        env: { DAQ_CONFIG: '', DAQ_UP_BASE_PORT: String(basePort) },
      });
      expect(result.problems).toEqual([]);
      // Its last cell stopped the nodes: their ports are free again.
      expect([await portIsFree(basePort), await portIsFree(basePort + 1)]).toEqual([true, true]);
    } finally {
      await rm(outputDir, { recursive: true, force: true });
    }
  });
});
