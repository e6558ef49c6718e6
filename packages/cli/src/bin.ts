#!/usr/bin/env node
// daq: the command registry. Each command lives in its own file under commands/.
import { Command } from 'commander';
import { serveCommand } from './commands/serve.js';

const program = new Command('daq').description('operate and watch a PANOSETI-style observatory');
program.addCommand(serveCommand());
await program.parseAsync(process.argv);
