// Generates the TypeScript protocol code (ts-proto, for nice-grpc) and the binary descriptor
// set used by gRPC server reflection. Usage: node generate.mjs [outDir]
// Default outDir is packages/core/src/gen; the staleness test passes a temporary folder
// and compares.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] ?? resolve(here, '../packages/core/src/gen'));
const buf = resolve(here, '../node_modules/.bin/buf');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const run = (args) => execFileSync(buf, args, { cwd: here, stdio: 'inherit' });
// Code for daq_data.proto only; the descriptor set holds every .proto here (grpc/health/v1
// too), so that reflection can describe the health service the node serves.
run(['generate', '--template', 'buf.gen.yaml', '--path', 'daq_data.proto', '--output', outDir]);
run(['build', '--as-file-descriptor-set', '-o', resolve(outDir, 'daq_data.binpb')]);
console.log(`generated ${outDir}`);
