// Which DAQ nodes a client-side command talks to, said the way users of the reference CLI
// say it: positional daq_config.json and network_config.json (or --config), or --hosts a,b;
// --host picks one of them. Resolution is a pure function of the arguments.
import { Command, Option } from 'commander';
import type { DaqClientSource } from '@daqdata/client';
import { CliError, EXIT } from '../exit-codes.js';
import { LOG_LEVELS, parseLogLevel, type LogLevel } from '../log.js';
import { argParser, parseList, parseModuleIds, parsePositiveNumber } from './option-parsers.js';

export interface TargetFlags {
  config?: string;
  networkConfig?: string;
  hosts?: string[];
  host?: string;
  moduleIds?: number[];
  timeout: number;
  authToken?: string;
  logLevel: LogLevel;
}

export interface Positional {
  daqConfig?: string | undefined;
  networkConfig?: string | undefined;
}

export interface ClientTarget {
  source: DaqClientSource;
  /** Hosts the user named (--host); undefined = every configured host that answers. */
  selected: string[] | undefined;
}

/** The options naming nodes; selectHost false leaves --host to the command (daq web listens on it, as serve and up do). */
export function addTargetOptions(cmd: Command, o: { selectHost?: boolean } = {}): Command {
  cmd
    .argument('[daq_config]', 'daq_config.json listing the DAQ nodes ({"daq_nodes": [{"ip_addr": ...}]})')
    .argument('[network_config]', 'network_config.json (port forwarding through a gateway)')
    .option('--config <daq_config.json>', 'daq_config.json (instead of the positional argument)')
    .option('--network-config <network_config.json>', 'network_config.json (instead of the positional argument)')
    .option('--hosts <a,b,...>', 'DAQ node addresses (host, host:port or unix:/path) instead of a daq_config', argParser(parseList));
  if (o.selectHost ?? true) cmd.option('--host <host>', 'only this node: a configured ip_addr, host:port, or an address on its own');
  return cmd
    .option('--module-ids <ids>', 'only these modules, e.g. 1,2,254', argParser(parseModuleIds))
    .option('--timeout <ms>', 'how long to wait for a node to answer a ping, in ms', argParser(parsePositiveNumber), 1000)
    .addOption(new Option('--auth-token <token>', 'bearer token for nodes that protect InitHpIo and UploadImages').env('DAQ_AUTH_TOKEN'))
    .addOption(new Option('--log-level <level>', 'diagnostics on stderr').choices([...LOG_LEVELS, 'warning', 'critical']).default('warn').argParser(argParser(parseLogLevel)));
}

function usage(message: string): CliError {
  return new CliError(message, EXIT.usage);
}

export function resolveTarget(positional: Positional, flags: Pick<TargetFlags, 'config' | 'networkConfig' | 'hosts' | 'host'>): ClientTarget {
  if (positional.daqConfig && flags.config && positional.daqConfig !== flags.config) {
    throw usage(`two daq_configs given (${positional.daqConfig} and --config ${flags.config}): give one`);
  }
  if (positional.networkConfig && flags.networkConfig && positional.networkConfig !== flags.networkConfig) {
    throw usage(`two network_configs given (${positional.networkConfig} and --network-config ${flags.networkConfig}): give one`);
  }
  const daqConfig = positional.daqConfig ?? flags.config;
  const networkConfig = positional.networkConfig ?? flags.networkConfig;
  const selected = flags.host !== undefined ? [flags.host] : undefined;
  if (daqConfig !== undefined) {
    if (flags.hosts) throw usage('give either a daq_config or --hosts, not both');
    return { source: { daqConfig, networkConfig: networkConfig ?? null }, selected };
  }
  if (networkConfig !== undefined) throw usage('a network_config needs a daq_config: give daq_config.json first');
  if (flags.hosts) return { source: { addresses: flags.hosts }, selected };
  if (flags.host !== undefined) return { source: { addresses: [flags.host] }, selected };
  throw usage('no DAQ nodes given: pass daq_config.json (or --config), --hosts a,b, or --host host:port');
}

/** True when a command was given any way of naming nodes (replay uses it to choose stdout or upload). */
export function namesNodes(positional: Positional, flags: Pick<TargetFlags, 'config' | 'hosts' | 'host'>): boolean {
  return Boolean(positional.daqConfig ?? flags.config ?? flags.hosts ?? flags.host);
}
