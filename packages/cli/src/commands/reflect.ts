// `daq reflect`: the services and DaqData methods each node offers (gRPC server reflection).
import { Command } from 'commander';
import { formatReflection } from '@daqdata/client';
import { reachableHosts, withClient } from '../client-session.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';

export function reflectCommand(): Command {
  return addTargetOptions(new Command('reflect').description('list the gRPC services and DaqData methods of each node (server reflection)'))
    .option('--json', 'one JSON object per host')
    .action((daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags & { json?: boolean }) =>
      withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
        const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
        const reflections = await ctx.client.reflectServices(hosts);
        for (const r of reflections) process.stdout.write((flags.json ? JSON.stringify(r) : formatReflection(r)) + '\n');
      }),
    );
}
