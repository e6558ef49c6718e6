// A daq-server child process for the benches, and what they read about it from /proc:
// CPU seconds, RSS, open file descriptors.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const CLK_TCK = 100; // Linux USER_HZ
export const now = () => performance.timeOrigin + performance.now();

export interface ServerChild {
  proc: ChildProcess;
  port: number;
  spawnedAt: number;
  listeningAt: number;
  stop(): Promise<void>;
}

/** Starts `serverMain` (a daq-server executable) with JSON logs; `onLog` sees every log line. */
export async function startServerChild(serverMain: string, args: string[], onLog: (line: { msg: string }) => void = () => {}): Promise<ServerChild> {
  const spawnedAt = now();
  // DAQ_BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof") is passed to the server's node, for profiling.
  const nodeArgs = (process.env.DAQ_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, serverMain, '--host', '127.0.0.1', '--port', '0', '--log-format', 'json', '--grace', '1', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const rl = createInterface({ input: proc.stderr! });
    rl.on('line', (line) => {
      try {
        const l = JSON.parse(line) as { msg: string; address?: string };
        onLog(l);
        if (l.msg === 'listening') resolve(Number(l.address!.split(':').pop()));
      } catch {
        process.stderr.write(`server: ${line}\n`);
      }
    });
    proc.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
  return {
    proc,
    port,
    spawnedAt,
    listeningAt: now(),
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU seconds (user + system) used so far by a process. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * Minor page faults so far of a process: each is a page of memory touched for the first time. On
 * this 2-core VM one costs ~12 us (64 MiB touched afresh: ~200 ms, against ~4 ms to write it
 * again), so fresh memory, not the work done in it, can be most of a figure.
 */
export function minorFaults(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
