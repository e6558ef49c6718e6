// A real DAQ node in its own process, for the client's integration tests: the built server
// (@daqdata/server dist) on the port given (0 = any), optionally following a data directory.
// Prints one JSON line {"port":N} when listening; on stdin, "streams" prints the node's active
// StreamImages count as {"streams":N}; "exit" shuts down cleanly.
import { createInterface } from 'node:readline';
import { defaultServerConfig, startServer, createLogger } from '@daqdata/server';

const [port = '0', dataRoot = '', dataDir = '', nodeName = 'test-node', unixSocket = ''] = process.argv.slice(2);
const config = {
  ...defaultServerConfig(),
  host: '127.0.0.1',
  port: Number(port),
  nodeName,
  allowedDataRoots: dataRoot ? [dataRoot] : [],
  initialDataDir: dataDir || null,
  shutdownGraceSeconds: 1,
  unixSocket: unixSocket || null,
};
const server = await startServer(config, { logger: createLogger({ format: 'json', level: 'warn' }) });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line === 'streams') process.stdout.write(`${JSON.stringify({ streams: server.node.activeStreamCount })}\n`);
  if (line === 'exit') {
    await server.close(500);
    process.exit(0);
  }
});
