// A node as a real child process (built dist/: run `npx turbo run build` first), with its JSON
// log lines collected from stderr: for tests of the shipped entry points (daq-server, daq serve).
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
// The daq-server executable as shipped: the bundle that package.json's bin names.
export const serverMain = join(here, '..', 'dist', 'bundle', 'daq-server.js');
export const cliBin = join(here, '..', '..', 'cli', 'dist', 'bin.js');

export interface Child {
  proc: ChildProcess;
  lines: Array<Record<string, unknown>>;
  waitFor(pred: (l: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node <command>`; its kill is pushed onto `cleanups`. */
export function launch(command: string[], cleanups: Array<() => Promise<unknown>>, options: { cwd?: string } = {}): Child {
  const proc = spawn(process.execPath, command, { stdio: ['ignore', 'ignore', 'pipe'], cwd: options.cwd });
  const lines: Array<Record<string, unknown>> = [];
  let waiters: Array<() => void> = [];
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ msg: line });
    }
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  cleanups.push(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  });
  return {
    proc,
    lines,
    exited,
    async waitFor(pred, what) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const hit = lines.find(pred);
        if (hit) return hit;
        if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`child: no ${what}; lines: ${JSON.stringify(lines)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 500);
          waiters.push(() => (clearTimeout(t), resolve()));
        });
      }
    },
  };
}

