// A real nats-server with JetStream for one test file, its store in a temporary directory
// removed afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, type NatsServerProcess } from '../../src/nats-server-process.js';

export interface TestNats extends NatsServerProcess {
  /** Stops the server and removes its store. */
  dispose(): Promise<void>;
}

export async function startTestNats(o: { jetStream?: boolean; port?: number; storeDir?: string } = {}): Promise<TestNats> {
  const storeDir = o.storeDir ?? (await mkdtemp(join(tmpdir(), 'daq-nats-')));
  const server = await startNatsServer({ storeDir, ...(o.port === undefined ? {} : { port: o.port }), ...(o.jetStream === undefined ? {} : { jetStream: o.jetStream }) });
  return {
    ...server,
    async dispose() {
      await server.stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
