// The built `daq` (dist/bin.js) as a real child process: run to completion, or keep running
// while the test awaits lines on its stdout / stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const DAQ_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  #waiters: Array<() => void> = [];

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [DAQ_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => ((this.stdout += d), this.#notify()));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => ((this.stderr += d), this.#notify()));
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.#notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  #notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves when the predicate holds over (stdout, stderr); rejects after timeoutMs or if the process exits first. */
  async waitFor(what: string, pred: (stdout: string, stderr: string) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (!pred(this.stdout, this.stderr)) {
      if (exited) throw new Error(`daq exited before ${what}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const p = new CliProcess(args, env);
  p.child.stdin!.end();
  return p.exited;
}
