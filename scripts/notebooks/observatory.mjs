// A fresh simulated observatory for the notebook run: `daq up` from the built CLI, in its own
// temporary directory, on free ports. Resolves once it has printed its daq_config.json path.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO } from './execute-notebook.mjs';

export const DAQ_BIN = join(REPO, 'packages', 'cli', 'dist', 'bin.js');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** Whether a TCP port on 127.0.0.1 can be bound now. */
export function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with `count` free consecutive ports above it (`daq up` numbers its nodes so). */
export async function freePortRun(count) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let free = true;
    for (let p = base; p < base + count && free; p++) free = await portIsFree(p);
    if (free) return base;
  }
  throw new Error(`no run of ${count} free TCP ports found on 127.0.0.1`);
}

/**
 * @param {{ dir: string, nodes?: number, modulesPerNode?: number, simulation?: string[] }} options
 * @returns {Promise<{ configPath: string, stop(): Promise<void> }>}
 */
export async function startObservatory({ dir, nodes = 2, modulesPerNode = 2, simulation = [] }) {
  if (!existsSync(DAQ_BIN)) throw new Error(`${DAQ_BIN} does not exist: build first (npx turbo run build)`);
  // Another process may take a port between the probe and daq up's bind: then daq up exits
  // early, and we try again on other ports.
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const basePort = await freePortRun(nodes);
    const args = [DAQ_BIN, 'up', '--dir', dir, '--nodes', String(nodes), '--modules-per-node', String(modulesPerNode), '--base-port', String(basePort), ...simulation];
    try {
      return await launch(args);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

function launch(args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
  let log = '';
  createInterface({ input: child.stderr }).on('line', (line) => (log += `${line}\n`));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`daq up printed no config path within ${READY_TIMEOUT_MS / 1000} s:\n${log}`));
    }, READY_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^config: (.+daq_config\.json)$/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve({ configPath: m[1], stop });
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`daq up ended before it was ready (${how}):\n${log}`));
    });
  });
}
