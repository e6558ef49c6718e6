// A real DAQ node in its own process, for the client's integration tests: the built server
// (@daqdata/server dist) on the port given (0 = any), optionally following a data directory.
// With "simulate" as sixth argument, InitHpIo(simulate_daq) is served by @daqdata/sim's node
// simulator (replay of the bundled archive), as `daq serve` does.
// Prints one JSON line {"port":N} when listening; on stdin, "streams" prints the node's active
// StreamImages count as {"streams":N}; "exit" shuts down cleanly.
import { createInterface } from 'node:readline';
import { defaultServerConfig, startServer, createLogger } from '@daqdata/server';

const [port = '0', dataRoot = '', dataDir = '', nodeName = 'test-node', unixSocket = '', simulate = ''] = process.argv.slice(2);
const config = {
  ...defaultServerConfig(),
  host: '127.0.0.1',
  port: Number(port),
  nodeName,
  allowedDataRoots: dataRoot ? [dataRoot] : [],
  initialDataDir: dataDir || null,
  shutdownGraceSeconds: 1,
  unixSocket: unixSocket || null,
  // Fed by the tests' UploadImages: it streams before any InitHpIo.
  uploadRelay: true,
};
const simulator = simulate === 'simulate' ? (await import('@daqdata/sim')).createNodeSimulator() : undefined;
const server = await startServer(config, { logger: createLogger({ format: 'json', level: 'warn' }), simulator });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line === 'streams') process.stdout.write(`${JSON.stringify({ streams: server.node.activeStreamCount })}\n`);
  if (line === 'exit') {
    await server.close(500);
    process.exit(0);
  }
});
