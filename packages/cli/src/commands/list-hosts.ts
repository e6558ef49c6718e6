// `daq list-hosts`: every configured node, whether it answers, and how fast.
import { findNode } from '@daqdata/client';
import { Command } from 'commander';
import { pingHosts, unreachableMessage, withClient } from '../client-session.js';
import { CliError, EXIT } from '../exit-codes.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';
import { formatTable } from '../output/table.js';

export function listHostsCommand(): Command {
  return addTargetOptions(
    new Command('list-hosts').description('list the DAQ nodes: address, whether each answers a ping, latency, data_dir; exit 4 if none answers'),
  )
    .option('--json', 'one JSON object per host')
    .action((daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags & { json?: boolean }) =>
      withClient({ daqConfig, networkConfig }, flags, async ({ client, target }) => {
        const results = await pingHosts(client, target.selected ?? client.hosts, flags.timeout);
        const dataDir = (host: string) => findNode(client.nodes, host)?.dataDir ?? null;
        if (flags.json) {
          for (const r of results) {
            const line = { host: r.host, answers: r.ok, latencyMs: r.ok ? Number(r.latencyMs.toFixed(3)) : null, firstPingMs: Number(r.firstPingMs.toFixed(3)), dataDir: dataDir(r.host), reason: r.reason ?? null };
            process.stdout.write(JSON.stringify(line) + '\n');
          }
        } else {
          const rows = results.map((r) => [r.host, r.ok ? 'yes' : 'no', r.ok ? `${r.latencyMs.toFixed(1)} ms` : '-', dataDir(r.host) ?? '-']);
          process.stdout.write(formatTable(['HOST', 'ANSWERS', 'LATENCY', 'DATA_DIR'], rows));
        }
        if (results.every((r) => !r.ok)) throw new CliError(results.map(unreachableMessage).join('\n'), EXIT.unreachable);
      }),
    );
}
