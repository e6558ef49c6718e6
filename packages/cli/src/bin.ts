#!/usr/bin/env node
// daq: the command registry. Each command lives in its own file under commands/ and exports a
// function returning its commander Command; this file only registers them and turns every
// outcome into an exit code (exit-codes.ts, documented in README.md).
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { coincideCommand } from './commands/coincide.js';
import { initSimCommand } from './commands/init-sim.js';
import { initCommand } from './commands/init.js';
import { listHostsCommand } from './commands/list-hosts.js';
import { pingCommand } from './commands/ping.js';
import { plotCommand } from './commands/plot.js';
import { recordCommand } from './commands/record.js';
import { reflectCommand } from './commands/reflect.js';
import { replayCommand } from './commands/replay.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { upCommand, upNodeCommand } from './commands/up.js';
import { streamCommand } from './commands/stream.js';
import { webCommand } from './commands/web.js';
import { exitReport } from './error-exit.js';
import { EXIT } from './exit-codes.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('daq')
  .description('operate and watch a PANOSETI-style observatory')
  .version(version)
  .showHelpAfterError('(add --help for usage)');
program.addCommand(serveCommand());
program.addCommand(pingCommand());
program.addCommand(listHostsCommand());
program.addCommand(reflectCommand());
program.addCommand(initCommand());
program.addCommand(initSimCommand());
program.addCommand(streamCommand());
program.addCommand(recordCommand());
program.addCommand(coincideCommand());
program.addCommand(replayCommand());
program.addCommand(plotCommand());
program.addCommand(simulateCommand());
program.addCommand(upCommand());
program.addCommand(webCommand());
program.addCommand(upNodeCommand(), { hidden: true });

/** Commander errors throw instead of exiting, on every command (addCommand does not inherit it). */
function throwOnExit(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) throwOnExit(sub);
}
throwOnExit(program);

// Help and version are successes; a command group without a subcommand (`daq`, `daq plot`)
// prints its help and is a usage error, like any other commander error.
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

async function main(argv: string[]): Promise<number> {
  if (argv.length <= 2) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return HELP_CODES.has(err.code) ? EXIT.ok : EXIT.usage;
    const report = exitReport(err);
    process.stderr.write(`daq: ${report.message}\n`);
    return report.code;
  }
}

process.exitCode = await main(process.argv);
