// Starts, queries and kills real DAQ node processes (daq-node-child.mjs) for tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./daq-node-child.mjs', import.meta.url));

export interface DaqNodeProcess {
  readonly port: number;
  readonly address: string;
  readonly child: ChildProcess;
  /** The node's count of open StreamImages calls, asked over stdin. */
  activeStreams(): Promise<number>;
  /** SIGKILL: the node vanishes mid-stream, as on a crash. */
  kill(): Promise<void>;
  /** Clean shutdown. */
  stop(): Promise<void>;
}

export async function startDaqNode(
  o: { port?: number; dataRoot?: string; dataDir?: string; name?: string; unixSocket?: string; simulate?: boolean } = {},
): Promise<DaqNodeProcess> {
  const args = [String(o.port ?? 0), o.dataRoot ?? '', o.dataDir ?? '', o.name ?? 'test-node', o.unixSocket ?? '', o.simulate ? 'simulate' : ''];
  const child = spawn(process.execPath, [CHILD, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines: Interface = createInterface({ input: child.stdout! });
  const pending: Array<(line: string) => void> = [];
  lines.on('line', (line) => pending.shift()?.(line));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      pending.push(resolve);
      child.once('exit', (code) => reject(new Error(`DAQ node process exited (code ${code}) before answering`)));
    });
  const { port } = JSON.parse(await nextLine()) as { port: number };
  return {
    port,
    address: `127.0.0.1:${port}`,
    child,
    async activeStreams() {
      const answer = nextLine();
      child.stdin!.write('streams\n');
      return (JSON.parse(await answer) as { streams: number }).streams;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.stdin!.write('exit\n');
      await exited;
    },
  };
}
