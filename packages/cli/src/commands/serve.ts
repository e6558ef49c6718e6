// `daq serve`: run this machine's DAQ-node server (same flags as the server's daq-server).
import { Command } from 'commander';
import { addServeOptions, runServe, type ServeFlags } from '@daqdata/server';

export function serveCommand(): Command {
  return addServeOptions(new Command('serve').description('run the DAQ-node gRPC server on this machine')).action(
    async (flags: ServeFlags) => {
      await runServe(flags);
    },
  );
}
