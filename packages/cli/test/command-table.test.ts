// The lazy command table: each entry says what its command says of itself (so `daq --help` is
// unchanged), and a command line loads only the command it names.
import { fileURLToPath } from 'node:url';
import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_TABLE, invokedCommand } from '../src/command-table.js';
import { EXIT } from '../src/exit-codes.js';
import { runCli } from './support/cli-process.js';

const TRACE_IMPORTS = fileURLToPath(new URL('../../../scripts/trace-imports.mjs', import.meta.url));

/** The files under packages/cli/dist a `daq` command line loads, from the import trace on stderr. */
async function cliFilesLoaded(args: string[]): Promise<{ code: number | null; stdout: string; files: string[] }> {
  const r = await runCli(args, { NODE_OPTIONS: `--import=${TRACE_IMPORTS}` });
  const files = [...r.stderr.matchAll(/^import file:\/\/.*\/packages\/cli\/dist\/(.+)$/gm)].map((m) => m[1]!);
  return { code: r.code, stdout: r.stdout, files };
}

describe('the command table', () => {
  it.each(COMMAND_TABLE.map((e) => [e.name, e] as const))('%s: name, help line, description and visibility are those of the command it loads', async (_, entry) => {
    const cmd = await entry.load();
    expect(cmd.name()).toBe(entry.name);
    expect(new Help().subcommandTerm(cmd)).toBe(entry.term);
    expect(cmd.description()).toBe(entry.description);
  });

  it('names the command of `daq <cmd> ...` and `daq help <cmd>`, and none for options or unknown names', () => {
    expect(invokedCommand(['ping', '--host', 'x'])?.name).toBe('ping');
    expect(invokedCommand(['help', 'record'])?.name).toBe('record');
    expect(invokedCommand(['--version'])).toBeUndefined();
    expect(invokedCommand(['pong'])).toBeUndefined();
    expect(invokedCommand([])).toBeUndefined();
  });
});

describe('daq loads only the command it runs', () => {
  it('--version and --help load no command file and still list every visible command', async () => {
    const version = await cliFilesLoaded(['--version']);
    expect(version.code).toBe(EXIT.ok);
    expect(version.files).toContain('bin.js');
    expect(version.files.filter((f) => f.startsWith('commands/'))).toEqual([]);
    const help = await cliFilesLoaded(['--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.files.filter((f) => f.startsWith('commands/'))).toEqual([]);
    for (const e of COMMAND_TABLE) {
      if (e.hidden) expect(help.stdout).not.toMatch(new RegExp(`^  ${e.name} `, 'm'));
      else expect(help.stdout).toContain(`  ${e.term} `);
    }
  });

  it('`daq ping --help` loads ping and no other command, and lists its options', async () => {
    const r = await cliFilesLoaded(['ping', '--help']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('--timeout');
    expect(r.files.filter((f) => f.startsWith('commands/'))).toEqual(['commands/ping.js']);
  });
});
