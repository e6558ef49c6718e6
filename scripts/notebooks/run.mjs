#!/usr/bin/env node
// `npm run notebooks`: starts a fresh simulated observatory (`daq up`), executes every
// notebook in notebooks/ headless against it (jupyter nbconvert, tslab kernel), and fails if a
// cell errors or a cell tagged "plot" shows no image. Prints the time taken.
//
//   node scripts/notebooks/run.mjs [--out <dir>] [notebook.ipynb ...]
//
// --out keeps the executed notebooks (with their outputs) in <dir>; by default they go to a
// temporary directory that is removed. Needs `sh scripts/notebooks/setup.sh` (Jupyter and the
// tslab kernel) and a build (`npx turbo run build`).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { executeNotebook, JUPYTER_DATA, REPO } from './execute-notebook.mjs';
import { startObservatory } from './observatory.mjs';

const NOTEBOOKS = join(REPO, 'notebooks');
// Synthetic frames with a fixed seed: pulse-height events often enough for a histogram in a
// few seconds, and White Rabbit time synchronised. (`npx daq up` by hand replays the bundled
// recorded fixtures by default; the notebooks handle both.)
const SIMULATION = ['--synthetic', '--seed', '7', '--rate', '20', '--event-rate', '10'];

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
  const notebooks = positionals.length
    ? positionals.map((p) => resolve(p))
    : (await readdir(NOTEBOOKS)).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(NOTEBOOKS, f));
  if (notebooks.length === 0) throw new Error(`no notebook found in ${NOTEBOOKS}`);
  if (!existsSync(join(JUPYTER_DATA, 'kernels', 'tslab', 'kernel.json'))) {
    throw new Error(`the tslab kernel is not installed in ${JUPYTER_DATA}: run sh scripts/notebooks/setup.sh`);
  }

  const started = performance.now();
  const work = await mkdtemp(join(tmpdir(), 'daqdata-notebooks-'));
  const outputDir = values.out ? resolve(values.out) : join(work, 'executed');
  const scratch = join(work, 'tmp');
  await mkdir(outputDir, { recursive: true });
  await mkdir(scratch);
  let observatory;
  let failed = 0;
  try {
    observatory = await startObservatory({ dir: join(work, 'observatory'), simulation: SIMULATION });
    console.log(`observatory up: ${observatory.configPath} (${seconds(started)} s)`);
    // One at a time: each notebook drives the whole observatory (initSim restarts its runs).
    for (const notebook of notebooks) {
      // The kernel's temporary files (a recording, say) go under our work directory, removed
      // below even when a notebook fails before its own clean-up cell.
      const result = await executeNotebook(notebook, { outputDir, env: { DAQ_CONFIG: observatory.configPath, TMPDIR: scratch } });
      const name = relative(REPO, notebook);
      if (result.problems.length === 0) {
        console.log(`ok    ${name} (${result.seconds.toFixed(1)} s)`);
      } else {
        failed++;
        console.log(`FAIL  ${name} (${result.seconds.toFixed(1)} s)`);
        for (const p of result.problems) console.log(indent(p));
        if (values.out) console.log(indent(`executed notebook: ${join(outputDir, basename(notebook))}`));
      }
    }
  } finally {
    await observatory?.stop();
    await rm(work, { recursive: true, force: true });
  }
  const summary = `${notebooks.length - failed} of ${notebooks.length} notebooks ran cleanly in ${seconds(started)} s`;
  console.log(failed ? `notebooks FAILED: ${summary}` : `notebooks ok: ${summary}`);
  if (values.out) console.log(`executed notebooks in ${outputDir}`);
  return failed ? 1 : 0;
}

function seconds(since) {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function indent(text) {
  return text.replace(/^/gm, '      ');
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`notebooks: ${err.message}`);
    process.exitCode = 1;
  },
);
