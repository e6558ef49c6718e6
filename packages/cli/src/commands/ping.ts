// `daq ping`: does each node answer? Exit 4 naming every host that does not.
import { Command } from 'commander';
import { pingHosts, unreachableMessage, withClient } from '../client-session.js';
import { CliError, EXIT } from '../exit-codes.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';

export function pingCommand(): Command {
  return addTargetOptions(new Command('ping').description('ask each DAQ node whether it answers (gRPC Ping); exit 4 if any does not')).action(
    (daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags) =>
      withClient({ daqConfig, networkConfig }, flags, async ({ client, target }) => {
        const results = await pingHosts(client, target.selected ?? client.hosts, flags.timeout);
        for (const r of results) if (r.ok) process.stdout.write(`host ${r.host} answers (${r.latencyMs.toFixed(1)} ms)\n`);
        const failed = results.filter((r) => !r.ok);
        if (failed.length > 0) throw new CliError(failed.map(unreachableMessage).join('\n'), EXIT.unreachable);
      }),
  );
}
