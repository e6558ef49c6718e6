// `daq gateway`: relay DAQ nodes to NATS JetStream and/or serve DaqData from NATS
// (@daqdata/gateway). With nodes (daq_config or --hosts): two streams per node (previews, every event), published. With
// --port: DaqData served from NATS. Runs until Ctrl-C (or, under daq up, until stdin ends).
import { Command, Option } from 'commander';
import type { DaqClientSource } from '@daqdata/client';
import { DEFAULT_EVENT_RETENTION, NatsUnavailableError, startGateway, StreamSetupError, type RunningGateway } from '@daqdata/gateway';
import { createLogger } from '@daqdata/server';
import { CliError, EXIT } from '../exit-codes.js';
import { argParser, parseCount, parseList, parsePositiveNumber } from '../options/option-parsers.js';
import { resolveTarget } from '../options/target-options.js';

export const GATEWAY_READY_PREFIX = 'daq gateway ready';

interface GatewayFlags {
  nats: string;
  port?: number;
  host: string;
  config?: string;
  networkConfig?: string;
  hosts?: string[];
  nodeInterval: number;
  eventsMaxAge: number;
  eventsMaxBytes: number;
  logFormat: 'human' | 'json';
  stopOnStdinEnd?: boolean;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`"${value}" is not a port 0-65535`);
  return n;
}

export function gatewayCommand(): Command {
  return new Command('gateway')
    .description('relay the DAQ nodes to NATS JetStream (two streams per node: movie previews, every pulse-height event) and serve DaqData from NATS (--port), so viewers never touch a node')
    .argument('[daq_config]', 'daq_config.json listing the DAQ nodes to relay (omit, with no --hosts, to only serve)')
    .argument('[network_config]', 'network_config.json (port forwarding)')
    .requiredOption('--nats <url>', 'NATS server with JetStream, e.g. nats://127.0.0.1:4222')
    .option('--port <port>', 'serve DaqData on this port (0: a free one); omitted: do not serve', argParser(parsePort))
    .option('--host <host>', 'interface to serve on', '127.0.0.1')
    .option('--config <daq_config.json>', 'daq_config.json (instead of the positional argument)')
    .option('--network-config <network_config.json>', 'network_config.json (instead of the positional argument)')
    .option('--hosts <a,b,...>', 'DAQ node addresses instead of a daq_config', argParser(parseList))
    .option('--node-interval <seconds>', "update interval asked of each node (the node's own interval is its floor)", argParser(parsePositiveNumber), 0.001)
    .option('--events-max-age <seconds>', 'pulse-height events stream: keep events this long', argParser(parsePositiveNumber), DEFAULT_EVENT_RETENTION.maxAgeSeconds)
    .option('--events-max-bytes <bytes>', 'pulse-height events stream: at most this many bytes', argParser(parseCount), DEFAULT_EVENT_RETENTION.maxBytes)
    .addOption(new Option('--log-format <format>', 'log lines on stderr').choices(['human', 'json']).default('human'))
    .addOption(new Option('--stop-on-stdin-end', 'stop when stdin ends (daq up)').hideHelp())
    .action((daqConfig: string | undefined, networkConfig: string | undefined, flags: GatewayFlags) => gateway({ daqConfig, networkConfig }, flags));
}

async function gateway(positional: { daqConfig: string | undefined; networkConfig: string | undefined }, flags: GatewayFlags): Promise<void> {
  const relays = Boolean(positional.daqConfig ?? flags.config ?? flags.hosts);
  if (!relays && flags.port === undefined) throw new CliError('nothing to do: give DAQ nodes to relay (daq_config.json or --hosts) and/or --port to serve', EXIT.usage);
  const nodes: DaqClientSource | undefined = relays ? resolveTarget(positional, flags).source : undefined;
  const log = createLogger({ format: flags.logFormat });
  let running: RunningGateway;
  try {
    running = await startGateway({
      natsUrl: flags.nats,
      ...(nodes ? { nodes } : {}),
      ...(flags.port === undefined ? {} : { port: flags.port }),
      host: flags.host,
      nodeUpdateIntervalSeconds: flags.nodeInterval,
      eventRetention: { maxAgeSeconds: flags.eventsMaxAge, maxBytes: flags.eventsMaxBytes },
      log,
    });
  } catch (err) {
    if (err instanceof NatsUnavailableError) throw new CliError(err.message, EXIT.unreachable);
    if (err instanceof StreamSetupError) throw new CliError(err.message, EXIT.config);
    if (err instanceof RangeError) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
  const serving = running.server ? `serving DaqData on ${running.server.address}` : 'not serving (no --port)';
  const relaying = running.client ? `relaying ${running.client.hosts.join(', ')}` : 'relaying no nodes';
  process.stdout.write(`${GATEWAY_READY_PREFIX}: ${serving}; ${relaying}; NATS ${flags.nats}\n`);
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (flags.stopOnStdinEnd) process.stdin.once('end', stop).resume();
  });
  process.stdin.destroy();
  await running.close();
}
