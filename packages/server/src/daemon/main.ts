#!/usr/bin/env node
// daq-server: the DAQ-node daemon's own entry point (same flags as `daq serve`); bundled into
// dist/bundle/daq-server.js (rolldown.config.mjs).
import { Command } from 'commander';
import { addServeOptions, runServe, type ServeFlags } from './serve-command.js';

const program = addServeOptions(new Command('daq-server').description('DAQ-node gRPC server (DaqData)'));
program.action(async (flags: ServeFlags) => {
  await runServe(flags);
});
await program.parseAsync(process.argv);
