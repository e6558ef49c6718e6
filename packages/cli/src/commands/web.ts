// `daq web`: a live browser dashboard for every node in the config (@daqdata/web). Prints the
// URL to open and runs until Ctrl-C / SIGTERM. --host is the interface it listens on (as for
// serve and up; default 127.0.0.1, so only this machine sees it); nodes are named as for the
// other client commands.
import { Command } from 'commander';
import { metricsUrls, startDashboard } from '@daqdata/web';
import { withClient } from '../client-session.js';
import { argParser, parsePort, parsePositiveNumber } from '../options/option-parsers.js';
import { addTargetOptions, type TargetFlags } from '../options/target-options.js';
import { CliError, EXIT } from '../exit-codes.js';

interface WebFlags extends Omit<TargetFlags, 'host'> {
  port: number;
  host: string;
  interval: number;
}

/** The node's minimum update interval (REFERENCE §6); the dashboard asks for no less. */
const MIN_INTERVAL_S = 0.001;

export function webCommand(): Command {
  return addTargetOptions(
    new Command('web').description('serve a live browser dashboard of every module of every node (movie and pulse-height maps, histograms, rate strips, node health with drops from metrics_port); Ctrl-C stops it'),
    { selectHost: false },
  )
    .option('--port <port>', 'HTTP port of the dashboard (0: any free port)', argParser((v) => parsePort(v, true)), 8080)
    .option('--host <address>', 'interface to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--interval <seconds>', `each node sends at most one image per module and kind per this many seconds (>= ${MIN_INTERVAL_S})`, argParser(parsePositiveNumber), 0.1)
    .action((daqConfig: string | undefined, networkConfig: string | undefined, flags: WebFlags) => {
      if (flags.interval < MIN_INTERVAL_S) throw new CliError(`--interval ${flags.interval}: below the node minimum ${MIN_INTERVAL_S} s`, EXIT.usage);
      const { host: listenHost, ...targetFlags } = flags;
      return withClient({ daqConfig, networkConfig }, targetFlags, async (ctx) => {
        let metrics: Map<string, string>;
        try {
          metrics = metricsUrls(ctx.client.nodes);
        } catch (err) {
          throw new CliError(`daq_config: ${(err as Error).message}`, EXIT.config);
        }
        const dashboard = await startDashboard({
          metricsUrls: metrics,
          client: ctx.client,
          hosts: ctx.client.hosts,
          listenHost,
          port: flags.port,
          updateIntervalS: flags.interval,
          moduleIds: flags.moduleIds,
          pingTimeoutMs: flags.timeout,
          onError: (err) => ctx.log.error(`daq web: ${err instanceof Error ? err.message : String(err)}`),
        }).catch((err: unknown) => {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
            throw new CliError(`cannot listen on ${listenHost}:${flags.port} (${code}): choose another --port or --host`, EXIT.config);
          }
          throw err;
        });
        process.stdout.write(`dashboard: ${dashboard.url}\nnodes: ${ctx.client.hosts.join(', ')}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await dashboard.close();
      });
    });
}
