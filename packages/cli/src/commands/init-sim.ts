// `daq init-sim`: switch each node to simulated data (InitHpIo with simulate_daq).
import { Command } from 'commander';
import { SIMULATED_HP_IO } from '@daqdata/client';
import { reachableHosts, withClient } from '../client-session.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';
import { argParser, parsePositiveNumber } from '../options/option-parsers.js';
import { reportInitResult } from '../output/init-result.js';

export function initSimCommand(): Command {
  return addTargetOptions(new Command('init-sim').description('send InitHpIo with simulate_daq to each node: stream simulated images; exit 5 if a node refuses'))
    .option('--refresh-period <seconds>', 'the node\'s update interval', argParser(parsePositiveNumber), SIMULATED_HP_IO.updateIntervalSeconds)
    .option('--force', 'reconfigure even if streams are active (they end and reconnect)')
    .action((daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags & { refreshPeriod: number; force?: boolean }) =>
      withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
        const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
        const result = await ctx.client.initSim(hosts, {
          updateIntervalSeconds: flags.refreshPeriod,
          force: flags.force ?? false,
          moduleIds: flags.moduleIds,
        });
        reportInitResult(result, 'InitHpIo (simulated)');
      }),
    );
}
