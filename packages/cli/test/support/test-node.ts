// A real DAQ node (the server package's startServer) on an ephemeral port of 127.0.0.1, with
// its logs kept in memory, its data root in a fresh temporary directory, and images fed in
// through the client SDK's UploadImages (so it is an upload relay: it streams before any InitHpIo).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaqClient } from '@daqdata/client';
import type { PanoImage } from '@daqdata/core';
import { createLogger, resolveServerConfig, startServer, type RunningServer, type StartServerOptions } from '@daqdata/server';

export interface TestNode {
  address: string;
  root: string;
  server: RunningServer;
  logs: string[];
  upload(images: readonly PanoImage[]): Promise<void>;
  stop(): Promise<void>;
}

export async function tempDir(prefix = 'daq-cli-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** `authToken`: the node requires it for InitHpIo and UploadImages. */
export async function startTestNode(options: StartServerOptions = {}, node: { authToken?: string } = {}): Promise<TestNode> {
  const root = await tempDir('daq-cli-node-');
  const logs: string[] = [];
  const config = resolveServerConfig([
    { source: 'test', values: { host: '127.0.0.1', port: 0, nodeName: 'cli-test-node', allowedDataRoots: [root], shutdownGraceSeconds: 1, uploadRelay: true, authToken: node.authToken ?? null } },
  ]);
  const server = await startServer(config, { logger: createLogger({ format: 'human', sink: (l) => logs.push(l), level: 'debug' }), ...options });
  const address = `127.0.0.1:${server.port}`;
  return {
    address,
    root,
    server,
    logs,
    async upload(images) {
      const client = DaqClient.fromAddresses([address]);
      try {
        await client.uploadImages([address], images);
      } finally {
        await client.close();
      }
    },
    async stop() {
      await server.close(0);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
