// `daq serve`: run this machine's DAQ-node server (same flags as the server's daq-server).
import { Command } from 'commander';
import { addServeOptions, runServe, type ServeFlags } from '@daqdata/server/daemon';
import { CliError, EXIT } from '../exit-codes.js';

export function serveCommand(): Command {
  return addServeOptions(new Command('serve').description('run the DAQ-node gRPC server on this machine')).action(
    async (flags: ServeFlags) => {
      // runServe prints why the node cannot start (bad configuration, port in use) and returns
      // nothing; its own process.exitCode would be overwritten by daq's, so the failure is ours to report.
      const server = await runServe(flags);
      if (server === undefined) throw new CliError('the node did not start (the reason is above): fix its configuration or flags', EXIT.config);
    },
  );
}
