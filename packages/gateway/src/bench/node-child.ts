// The bench's DAQ node, in its own process so its CPU can be read from /proc: the server with
// the node simulator, simulating from start-up (img16 + ph256 for the modules given) at the
// interval given. Arguments: modules (comma list), interval seconds. Prints {"port":N}.
import { createLogger, loadServerConfig, startServer } from '@daqdata/server';
import { flagsToOverrides } from '@daqdata/server/daemon';
import { createNodeSimulator } from '@daqdata/sim';

const [modules = '1,2', interval = '0.01'] = process.argv.slice(2);
const config = await loadServerConfig(null, {
  ...flagsToOverrides({ host: '127.0.0.1', port: '0', nodeName: 'bench-node', simModuleIds: modules, simMovieType: 'img16', simPhType: 'ph256' }),
  // 100 direct viewers are part of the comparison.
  maxStreams: 1000,
  maxStreamsPerConnection: 1000,
  streamStartsPerPeerPerSecond: 10_000,
  shutdownGraceSeconds: 1,
  initialHpIo: { dataDir: '', updateIntervalSeconds: Number(interval), force: false, simulateDaq: true, moduleIds: [] },
});
const server = await startServer(config, { logger: createLogger({ format: 'json', level: 'error' }), simulator: createNodeSimulator({}) });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.stdin.on('end', () => void server.close(500).then(() => process.exit(0)));
process.stdin.resume();
