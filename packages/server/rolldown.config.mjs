// The daq-server executable as one bundled, minified file. Node 20 spends most of a cold start
// resolving, reading and compiling a few hundred module files (grpc-js, protobuf runtimes,
// reflection). Measured from spawn to first answered Ping (bench part d): 250-330 ms
// for dist/daemon/main.js, 185-230 ms for this bundle — what a node restarted by systemd pays.
// Library users import the unbundled dist/index.js; `node --enable-source-maps` on the bundle
// gives readable stack traces from the source map written beside it.
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: { 'daq-server': 'dist/daemon/main.js' },
  platform: 'node',
  output: { dir: 'dist/bundle', format: 'esm', entryFileNames: '[name].js', minify: true, sourcemap: true, cleanDir: true },
});
