// The page's script as one file for the browser: src/browser/main.ts and what it imports
// (@daqdata/core/browser, @msgpack/msgpack, d3-scale-chromatic). rolldown because the server
// package already bundles daq-server with it: one bundler in the tree, TypeScript read
// directly, and a browser bundle in well under a second.
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: { dashboard: 'src/browser/main.ts' },
  platform: 'browser',
  output: { dir: 'dist/public', format: 'esm', entryFileNames: '[name].js', minify: true, sourcemap: true },
});
