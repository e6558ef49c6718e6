// The daemon around the library: the `serve` command line, shared by the server's own entry
// point (daq-server, main.ts) and the CLI's `daq serve`: the flags, their mapping onto config
// keys, config files, the simulator plugged in (loaded on first use), and the process lifecycle
// (start, SIGINT/SIGTERM -> graceful shutdown -> exit 0). The library (`@daqdata/server`) has
// none of these; this is `@daqdata/server/daemon`.
import { Command, Option } from 'commander';
import { ConfigError, DEFAULT_PORT, loadServerConfigWithNotes, REFERENCE_RECORDER_SOCKETS, type LoadedServerConfig, type ServerConfig } from '../config/server-config.js';
import { createLogger } from '../log/logger.js';
import { startServer, type RunningServer } from '../server.js';
import type { DaqSimulator } from '../service/simulator.js';

/** The options of `daq-server` / `daq serve` as commander parses them (strings, checked by the config schema). */
export interface ServeFlags {
  config?: string;
  host?: string;
  port?: string;
  unixSocket?: string;
  metricsPort?: string;
  nodeName?: string;
  minInterval?: string;
  maxStreams?: string;
  allowRoot?: string[];
  uploadQueueSize?: string;
  uploadRelay?: boolean;
  ringBytes?: string;
  ringSeconds?: string;
  authToken?: string;
  tlsCert?: string;
  tlsKey?: string;
  logFormat?: string;
  grace?: string;
  dataDir?: string;
  // Limits for a public-facing node.
  keepaliveTime?: string;
  keepaliveTimeout?: string;
  maxConnectionIdle?: string;
  maxConnectionAge?: string;
  maxConnectionAgeGrace?: string;
  maxStreamsPerConnection?: string;
  prefaceTimeout?: string;
  stallTimeout?: string;
  streamStartsPerPeer?: string;
  /** true: the flag without a template (the reference's). */
  recorderSocket?: string | true;
  recorderProducts?: string;
  recorderReadTimeout?: string;
  statusPipe?: string;
  // InitHpIo(simulate_daq): the simulation setting.
  simModuleIds?: string;
  simMovieType?: string;
  simPhType?: string;
  simMode?: string;
  simFramesPerFile?: string;
  simFrameLimit?: string;
}

/** The recorder-socket flags as one recorderSockets value: unset ones take the reference's settings. */
function recorderSocketsFlag(f: ServeFlags): Record<string, unknown> | undefined {
  if (f.recorderSocket === undefined && f.recorderProducts === undefined && f.recorderReadTimeout === undefined) return undefined;
  const ref = REFERENCE_RECORDER_SOCKETS;
  return {
    socketPathTemplate: typeof f.recorderSocket === 'string' ? f.recorderSocket : ref.socketPathTemplate,
    dataProducts: f.recorderProducts === undefined ? ref.dataProducts : f.recorderProducts.split(',').map((s) => s.trim()),
    readTimeoutSeconds: num(f.recorderReadTimeout) ?? ref.readTimeoutSeconds,
  };
}

/**
 * The simulation flags as one simulation value: unset ones take the reference's
 * simulate_daq_cfg defaults (img16 + ph256, files), no modules meaning the simulator's own set.
 */
function simulationFlag(f: ServeFlags): Record<string, unknown> | undefined {
  const given = [f.simModuleIds, f.simMovieType, f.simPhType, f.simMode, f.simFramesPerFile, f.simFrameLimit];
  if (given.every((v) => v === undefined)) return undefined;
  const product = (v: string | undefined, fallback: string) => (v === undefined ? fallback : v === 'none' ? null : v);
  return {
    mode: f.simMode ?? 'filesystem',
    moduleIds: f.simModuleIds === undefined || f.simModuleIds.trim() === '' ? [] : f.simModuleIds.split(',').map((s) => num(s)),
    movieType: product(f.simMovieType, 'img16'),
    phType: product(f.simPhType, 'ph256'),
    sourceData: null,
    framesPerFile: num(f.simFramesPerFile) ?? null,
    frameLimit: num(f.simFrameLimit) ?? null,
  };
}

const num = (v: string | undefined) => (v === undefined ? undefined : v.trim() === '' ? NaN : Number(v));

/** Flags -> config overrides; numbers are converted here and validated with the file's values. */
export function flagsToOverrides(f: ServeFlags): Partial<Record<keyof ServerConfig, unknown>> {
  return {
    host: f.host,
    port: num(f.port),
    unixSocket: f.unixSocket,
    metricsPort: num(f.metricsPort),
    nodeName: f.nodeName,
    minUpdateIntervalSeconds: num(f.minInterval),
    maxStreams: num(f.maxStreams),
    allowedDataRoots: f.allowRoot,
    uploadQueueSize: num(f.uploadQueueSize),
    uploadRelay: f.uploadRelay,
    ringBytes: num(f.ringBytes),
    ringSeconds: num(f.ringSeconds),
    authToken: f.authToken,
    tlsCertFile: f.tlsCert,
    tlsKeyFile: f.tlsKey,
    logFormat: f.logFormat,
    shutdownGraceSeconds: num(f.grace),
    initialDataDir: f.dataDir,
    recorderSockets: recorderSocketsFlag(f),
    statusPipe: f.statusPipe,
    simulation: simulationFlag(f),
    // Limits for a public-facing node.
    keepaliveTimeSeconds: num(f.keepaliveTime),
    keepaliveTimeoutSeconds: num(f.keepaliveTimeout),
    maxConnectionIdleSeconds: num(f.maxConnectionIdle),
    maxConnectionAgeSeconds: num(f.maxConnectionAge),
    maxConnectionAgeGraceSeconds: num(f.maxConnectionAgeGrace),
    maxStreamsPerConnection: num(f.maxStreamsPerConnection),
    prefaceTimeoutSeconds: num(f.prefaceTimeout),
    stallTimeoutSeconds: num(f.stallTimeout),
    streamStartsPerPeerPerSecond: num(f.streamStartsPerPeer),
  };
}

/** Adds every `serve` flag to `cmd` (daq-server's own command and the CLI's `daq serve`). */
export function addServeOptions(cmd: Command): Command {
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  return cmd
    .option('-c, --config <file>', "JSON config file: this node's format or the reference's daq_data_server_config.json (see packages/server/README.md)")
    .option('--host <host>', 'interface to listen on (default 0.0.0.0)')
    .option('-p, --port <port>', `TCP port, 0 for any free port (default ${DEFAULT_PORT})`)
    .option('--unix-socket <path>', 'also listen on this Unix socket')
    .option('--metrics-port <port>', 'serve /metrics, /healthz and /readyz over HTTP on this port of --host, 0 for any free port (default: off)')
    .option('--node-name <name>', 'name sent in every response (default: host name)')
    .option('--min-interval <seconds>', 'minimum update interval in seconds (default 0.001)')
    .option('--max-streams <n>', 'maximum concurrent StreamImages calls (default 64)')
    .option('--allow-root <dir>', 'allowed data root for InitHpIo (repeatable)', collect)
    .option('--upload-queue-size <n>', 'UploadImages queue capacity (default 256)')
    .option('--upload-relay', "images come from UploadImages: serve StreamImages before any InitHpIo")
    .option('--ring-bytes <n>', 'every-frame ring: bytes of recent frames held (default 67108864)')
    .option('--ring-seconds <s>', 'every-frame ring: seconds of recent frames held (default 60)')
    .addOption(new Option('--auth-token <token>', 'bearer token for InitHpIo and UploadImages').env('DAQ_AUTH_TOKEN'))
    .option('--tls-cert <file>', 'PEM certificate chain (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key (with --tls-cert)')
    .addOption(new Option('--log-format <format>', 'log format (default auto: human on a terminal, JSON lines otherwise)').choices(['human', 'json', 'auto']))
    .option('--grace <seconds>', 'shutdown grace period in seconds (default 5)')
    .option('--data-dir <dir>', 'follow this data directory from start-up (must be inside an allowed root)')
    .option('--recorder-socket [template]', `accept frames from the recorder on Unix sockets at this path, {dp_name} replaced (default ${REFERENCE_RECORDER_SOCKETS.socketPathTemplate})`)
    .option('--recorder-products <list>', `comma-separated data products with a recorder socket (default ${REFERENCE_RECORDER_SOCKETS.dataProducts.join(',')})`)
    .option('--recorder-read-timeout <seconds>', `close a recorder connection silent this long (default ${REFERENCE_RECORDER_SOCKETS.readTimeoutSeconds})`)
    .option('--status-pipe <path>', "drain the recorder's status named pipe (created with mkfifo if missing)")
    // InitHpIo(simulate_daq): the simulation setting (the reference's simulate_daq_cfg); unset flags take its defaults.
    .option('--sim-module-ids <ids>', 'modules simulated when InitHpIo names none, e.g. 1,2 (default: the simulator\'s own set)')
    .addOption(new Option('--sim-movie-type <dp>', 'movie product simulated (default img16)').choices(['img16', 'img8', 'none']))
    .addOption(new Option('--sim-ph-type <dp>', 'pulse-height product simulated (default ph256)').choices(['ph256', 'ph1024', 'none']))
    .addOption(new Option('--sim-mode <mode>', 'filesystem: run files the node follows; uds: frames into this node\'s recorder sockets (default filesystem)').choices(['filesystem', 'uds']))
    .option('--sim-frames-per-file <n>', 'simulated files roll over after this many frames (default: by size)')
    .option('--sim-frame-limit <n>', 'each simulated module and product stops after this many frames (default: no limit)')
    // Limits for a public-facing node.
    .option('--keepalive-time <seconds>', 'ping a connection after this much silence (default 60)')
    .option('--keepalive-timeout <seconds>', 'close it when the ping is not answered within this (default 20)')
    .option('--max-connection-idle <seconds>', 'close connections without calls for this long (default 600)')
    .option('--max-connection-age <seconds>', 'ask connections older than this to go away (default: no limit)')
    .option('--max-connection-age-grace <seconds>', 'cut them this long after asking (default 30)')
    .option('--max-streams-per-connection <n>', 'concurrent calls on one connection (default 32)')
    .option('--preface-timeout <seconds>', 'close connections that have not sent the HTTP/2 preface within this (default 10)')
    .option('--stall-timeout <seconds>', 'end streams whose client took no message for this long (default 30)')
    .option('--stream-starts-per-peer <n>', 'StreamImages starts per client host and second (default 20)');
}

/**
 * The node's simulate_daq capability: @daqdata/sim's replay/synthetic simulator, loaded on
 * first use so start-up does not pay for it.
 */
export const lazySimDaqSimulator: DaqSimulator = {
  async start(opts) {
    const { createNodeSimulator } = await import('@daqdata/sim');
    return createNodeSimulator().start(opts);
  },
};

/** Runs the server until SIGINT/SIGTERM; exits the process (0 after a clean shutdown, 1 on a start error). */
export async function runServe(flags: ServeFlags, options: { simulator?: DaqSimulator } = {}): Promise<RunningServer | undefined> {
  let loaded: LoadedServerConfig;
  try {
    loaded = await loadServerConfigWithNotes(flags.config, flagsToOverrides(flags));
  } catch (err) {
    process.stderr.write(`daq serve: bad configuration: ${(err as Error).message}\n`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
    return undefined;
  }
  const config: ServerConfig = loaded.config;
  const log = createLogger({ format: config.logFormat });
  if (loaded.referenceFormat) log.info("configuration: the reference's daq_data_server_config.json", { file: flags.config });
  for (const { key, why } of loaded.ignored) log.info(`ignored: ${key} — ${why}`);
  let server: RunningServer;
  try {
    // InitHpIo(simulate_daq) replays the bundled archive unless the caller plugs in another
    // simulator; @daqdata/sim is imported by the first InitHpIo(simulate_daq), not at start.
    server = await startServer(config, { logger: log, simulator: options.simulator ?? lazySimDaqSimulator });
  } catch (err) {
    log.error('cannot start', { error: (err as Error).message });
    process.exitCode = 1;
    return undefined;
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    log.info('signal received', { signal });
    server.close().then(
      () => process.exit(0),
      (err: Error) => {
        log.error('shutdown failed', { error: err.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return server;
}
