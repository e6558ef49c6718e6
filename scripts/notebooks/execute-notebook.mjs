// Executes one notebook headless with Debian's Jupyter (`jupyter nbconvert --to notebook
// --execute`) on the project-local tslab kernel, and returns the executed notebook's problems.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notebookProblems } from './notebook-check.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..');
/** Where setup.sh installs the tslab kernelspec: <prefix>/share/jupyter/kernels/tslab. */
export const JUPYTER_DATA = join(REPO, '.jupyter', 'share', 'jupyter');
/** The system Python, the one with Debian's Jupyter (setup.sh installs the kernel with it too). */
export const JUPYTER_PYTHON = process.env.DAQ_JUPYTER_PYTHON ?? '/usr/bin/python3';

/**
 * @param {string} notebook path of the .ipynb
 * @param {{ outputDir: string, env: Record<string, string> }} options
 * @returns {Promise<{ output: string, problems: string[], seconds: number }>}
 */
export async function executeNotebook(notebook, { outputDir, env }) {
  const started = performance.now();
  const args = [
    '-m', 'jupyter', 'nbconvert',
    '--config', join(here, 'nbconvert_config.py'),
    '--to', 'notebook', '--execute',
    '--output-dir', outputDir,
    notebook,
  ];
  const childEnv = {
    ...process.env,
    ...env,
    JUPYTER_PATH: [JUPYTER_DATA, process.env.JUPYTER_PATH].filter(Boolean).join(':'),
    // Silences the debugger notice Debian's ipykernel prints on every kernel start.
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  const { code, stderr } = await run(JUPYTER_PYTHON, args, { env: childEnv, cwd: dirname(notebook) });
  const seconds = (performance.now() - started) / 1000;
  const output = join(outputDir, basename(notebook));
  if (code !== 0) {
    return { output, seconds, problems: [`jupyter nbconvert exited with code ${code}:\n${stderr.trim().split('\n').slice(-15).join('\n')}`] };
  }
  const executed = JSON.parse(await readFile(output, 'utf8'));
  return { output, seconds, problems: notebookProblems(executed) };
}

/** Runs a command to completion, collecting stderr (nbconvert logs there). */
function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', (err) => reject(new Error(`cannot run ${command}: ${err.message}`)));
    child.on('close', (code, signal) => resolve({ code: code ?? `signal ${signal}`, stderr }));
  });
}
