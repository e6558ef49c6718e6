// `daq init <hp_io_config.json>`: (re)start each node's watcher with the reference CLI's
// hp_io_config.json (data_dir, update_interval_seconds, force, simulate_daq, module_ids).
import { Command } from 'commander';
import { reachableHosts, withClient } from '../client-session.js';
import { readHpIoConfig } from '../hp-io-config.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';
import { reportInitResult } from '../output/init-result.js';

export function initCommand(): Command {
  const cmd = new Command('init')
    .description('send InitHpIo to each node: watch data_dir (default: the node\'s data_dir in daq_config); exit 5 if a node refuses')
    .argument('<hp_io_config.json>', 'InitHpIo settings: {"data_dir", "update_interval_seconds", "force", "simulate_daq", "module_ids"}');
  return addTargetOptions(cmd)
    .option('--force', 'reconfigure even if streams are active (they end and reconnect)')
    .action(async (hpIoPath: string, daqConfig: string | undefined, networkConfig: string | undefined, flags: TargetFlags & { force?: boolean }) => {
      const cfg = await readHpIoConfig(hpIoPath);
      if (flags.force) cfg.force = true;
      if (flags.moduleIds) cfg.moduleIds = flags.moduleIds;
      await withClient({ daqConfig, networkConfig }, flags, async (ctx) => {
        const hosts = await reachableHosts(ctx.client, ctx.target, flags.timeout, ctx.log);
        reportInitResult(await ctx.client.initHpIo(hosts, cfg), 'InitHpIo');
      });
    });
}
