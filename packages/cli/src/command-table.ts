// Every `daq` command as a cheap entry: its name, help line and description, and how to load its
// real definition. `daq --version` and `daq --help` read only this table, so they no longer
// import every command's code (gRPC, the server, the simulator, zod...: about 1 s before);
// `daq <cmd> ...` loads that one command. test/command-table.test.ts checks each entry against
// the command it loads, so the table cannot drift from the commands' own definitions.
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  /** The command's line in `daq --help`, as commander would write it from the full definition. */
  term: string;
  description: string;
  hidden?: boolean;
  load(): Promise<Command>;
}

const TARGETS = '[options] [daq_config] [network_config]';

export const COMMAND_TABLE: readonly CommandEntry[] = [
  {
    name: 'serve',
    term: 'serve [options]',
    description: 'run the DAQ-node gRPC server on this machine',
    load: async () => (await import('./commands/serve.js')).serveCommand(),
  },
  {
    name: 'ping',
    term: `ping ${TARGETS}`,
    description: 'ask each DAQ node whether it answers (gRPC Ping); exit 4 if any does not',
    load: async () => (await import('./commands/ping.js')).pingCommand(),
  },
  {
    name: 'list-hosts',
    term: `list-hosts ${TARGETS}`,
    description: 'list the DAQ nodes: address, whether each answers a ping, latency, data_dir; exit 4 if none answers',
    load: async () => (await import('./commands/list-hosts.js')).listHostsCommand(),
  },
  {
    name: 'reflect',
    term: `reflect ${TARGETS}`,
    description: 'list the gRPC services and DaqData methods of each node (server reflection)',
    load: async () => (await import('./commands/reflect.js')).reflectCommand(),
  },
  {
    name: 'init',
    term: 'init [options] <hp_io_config.json> [daq_config] [network_config]',
    description: "send InitHpIo to each node: watch data_dir (default: the node's data_dir in daq_config); exit 5 if a node refuses",
    load: async () => (await import('./commands/init.js')).initCommand(),
  },
  {
    name: 'init-sim',
    term: `init-sim ${TARGETS}`,
    description: 'send InitHpIo with simulate_daq to each node: stream simulated images; exit 5 if a node refuses',
    load: async () => (await import('./commands/init-sim.js')).initSimCommand(),
  },
  {
    name: 'stream',
    term: `stream ${TARGETS}`,
    description: 'print images as they arrive: one summary line each, or NDJSON (--json); Ctrl-C stops',
    load: async () => (await import('./commands/stream.js')).streamCommand(),
  },
  {
    name: 'record',
    term: 'record [options] <file> [daq_config] [network_config]',
    description: 'record images to a file (MessagePack stream) for `daq replay`; progress on stderr; Ctrl-C stops',
    load: async () => (await import('./commands/record.js')).recordCommand(),
  },
  {
    name: 'coincide',
    term: `coincide ${TARGETS}`,
    description:
      'print coincidences: pulse-height events of at least K modules (or nodes) within W ns, one line (or JSON object) per group; Ctrl-C stops',
    load: async () => (await import('./commands/coincide.js')).coincideCommand(),
  },
  {
    name: 'roi',
    term: `roi ${TARGETS}`,
    description:
      "ROI photometry of every frame, computed at the nodes: one line (or JSON object) per frame with each ROI's sum, mean, max, profiles and signal; Ctrl-C stops",
    load: async () => (await import('./commands/roi.js')).roiCommand(),
  },
  {
    name: 'replay',
    term: 'replay [options] <file> [daq_config] [network_config]',
    description:
      'replay a record file: to stdout (like `daq stream`), or to the named nodes through UploadImages at the recorded cadence',
    load: async () => (await import('./commands/replay.js')).replayCommand(),
  },
  {
    name: 'plot',
    term: 'plot',
    description: 'live terminal plots',
    load: async () => (await import('./commands/plot.js')).plotCommand(),
  },
  {
    name: 'simulate',
    term: 'simulate [options] [data_dir]',
    description: 'write a synthetic or replayed run into a data directory, as a recorder would, until stopped',
    load: async () => (await import('./commands/simulate.js')).simulateCommand(),
  },
  {
    name: 'up',
    term: 'up [options]',
    description:
      'start a local simulated observatory: N DAQ nodes, node i on 127.0.0.(2+i):50051, with daq_config.json for the other commands',
    load: async () => (await import('./commands/up.js')).upCommand(),
  },
  {
    name: 'gateway',
    term: 'gateway [options] [daq_config] [network_config]',
    description: 'relay the DAQ nodes to NATS JetStream (two streams per node: movie previews, every pulse-height event) and serve DaqData from NATS (--port), so viewers never touch a node',
    load: async () => (await import('./commands/gateway.js')).gatewayCommand(),
  },
  {
    name: 'web',
    term: `web ${TARGETS}`,
    description: 'serve a live browser dashboard of every module of every node (movie and pulse-height maps, histograms, rate strips, node health with drops from metrics_port); Ctrl-C stops it',
    load: async () => (await import('./commands/web.js')).webCommand(),
  },
  {
    name: 'up-node',
    term: 'up-node [options]',
    description: 'one node of `daq up` (started by daq up)',
    hidden: true,
    load: async () => (await import('./commands/up.js')).upNodeCommand(),
  },
];

/** The command a command line names (`daq <cmd> ...` or `daq help <cmd>`), if any. */
export function invokedCommand(args: readonly string[]): CommandEntry | undefined {
  const [first, second] = args;
  const name = first === 'help' ? second : first;
  return COMMAND_TABLE.find((c) => c.name === name);
}
