#!/usr/bin/env node
// daq: the command registry. Each command lives in its own file under commands/ and exports a
// function returning its commander Command; this file registers them and turns every outcome
// into an exit code (exit-codes.ts, documented in README.md). Only the command the line names is
// loaded (command-table.ts): the others are listed by name and description, so `daq --version`
// and `daq --help` do not import the code of every command.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help } from 'commander';
import { COMMAND_TABLE, invokedCommand } from './command-table.js';
import { EXIT } from './exit-codes.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Commander errors throw instead of exiting, on every command (addCommand does not inherit it). */
function throwOnExit(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) throwOnExit(sub);
}

/** The program with `invoked` loaded in full and every other command as its table entry. */
async function buildProgram(args: readonly string[]): Promise<Command> {
  const invoked = invokedCommand(args);
  const terms = new Map(COMMAND_TABLE.map((c) => [c.name, c.term]));
  const program = new Command('daq')
    .description('operate and watch a PANOSETI-style observatory')
    .version(version)
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? new Help().subcommandTerm(cmd) });
  for (const entry of COMMAND_TABLE) {
    const cmd = entry === invoked ? await entry.load() : new Command(entry.name).description(entry.description);
    program.addCommand(cmd, { hidden: entry.hidden ?? false });
  }
  throwOnExit(program);
  return program;
}

// Help and version are successes; a command group without a subcommand (`daq`, `daq plot`)
// prints its help and is a usage error, like any other commander error.
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv.slice(2));
  if (argv.length <= 2) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return HELP_CODES.has(err.code) ? EXIT.ok : EXIT.usage;
    // The error classes it tells apart come from the client SDK: loaded only when something failed.
    const { exitReport } = await import('./error-exit.js');
    const report = exitReport(err);
    process.stderr.write(`daq: ${report.message}\n`);
    return report.code;
  }
}

process.exitCode = await main(process.argv);
