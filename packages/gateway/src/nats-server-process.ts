// Starts Debian's nats-server with JetStream, on loopback, its store in a directory: for
// `daq up --gateway` and the tests. Ready when the server says so on its log; stopped by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export interface NatsServerProcess {
  url: string;
  port: number;
  storeDir: string;
  child: ChildProcess;
  /** Terminates the server and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

export interface NatsServerOptions {
  /** JetStream's store directory (-sd). */
  storeDir: string;
  /** Default: a free port. */
  port?: number;
  /** false starts the server without JetStream (for the "no JetStream" error). */
  jetStream?: boolean;
  /** The executable (default nats-server on PATH). */
  command?: string;
  /** How long to wait for "Server is ready" (ms, default 10 000). */
  readyTimeoutMs?: number;
}

/** A TCP port free on 127.0.0.1 now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export async function startNatsServer(options: NatsServerOptions): Promise<NatsServerProcess> {
  const port = options.port ?? (await freePort());
  const command = options.command ?? 'nats-server';
  const args = ['-a', '127.0.0.1', '-p', String(port), '-sd', options.storeDir, ...(options.jetStream === false ? [] : ['-js'])];
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not report ready within ${options.readyTimeoutMs ?? 10_000} ms:\n${log}`)), options.readyTimeoutMs ?? 10_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      // Kept only until ready: the server logs little afterwards, and nothing is read later.
      if (log.length < 64 * 1024) log += chunk.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${command}: ${err.message} (install Debian's nats-server: scripts/install.sh)`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${signal ?? code}) before it was ready:\n${log}`));
    });
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  child.stderr!.resume();
  let stopping: Promise<void> | undefined;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir: options.storeDir,
    child,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      })()),
  };
}
