// `daq up`: a local observatory in one command. N node servers run as separate processes
// (`daq up-node`, hidden), each writing its own simulated modules into its own data directory
// and following it with its own watcher, the real path: files on disk -> watcher -> broadcast.
// Node i listens on its own loopback address, 127.0.0.(2+i), at the DAQ port 50051, as nodes of
// a real observatory do on their own hosts: daq_config's ip_addr is then a bare host, which the
// reference client uses as it is (it always appends :50051). --base-port P puts every node on
// one address instead (127.0.0.1:P, P+1, ...; ip_addr "host:port"). daq_config.json and
// network_config.json for the SDK and the CLI are written into a directory that is printed.
// Ctrl-C stops every node; a node that dies is reported.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { DATA_PRODUCTS, type DataProduct } from '@daqdata/core';
import { freePort, startNatsServer } from '@daqdata/gateway';
import { createLogger, DEFAULT_PORT, ListenError, loadServerConfig, startServer, type RunningServer } from '@daqdata/server';
import { flagsToOverrides } from '@daqdata/server/daemon';
import { createNodeSimulator, nodeSimulationOptions, scanArchive, startSimulation, type Simulation } from '@daqdata/sim';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { argParser, parseCount, parseModuleIds, parsePort } from '../options/option-parsers.js';
import { addSimulationOptions, simulationArgs, simulationOptions, type SimulationFlags } from './simulate.js';
import { GATEWAY_READY_PREFIX } from './gateway.js';

/** Node i's own loopback address is 127.0.0.(FIRST_LOOPBACK_HOST + i): 127.0.0.1 stays free for anything else. */
const FIRST_LOOPBACK_HOST = 2;
/** The last usable host of 127.0.0.0/24. */
const LAST_LOOPBACK_HOST = 254;
export const READY_PREFIX = 'daq-up-node ready ';
/** How long a node gets to stop on its own before it is killed. */
const STOP_WAIT_MS = 10_000;

interface UpFlags extends SimulationFlags {
  nodes: number;
  basePort?: number;
  modulesPerNode: number;
  dir?: string;
  host?: string;
  gateway?: boolean;
  gatewayPort?: number;
}

/** Node i (0-based) simulates modules i*M+1 .. i*M+M: distinct sets across nodes. */
export function nodeModules(index: number, modulesPerNode: number): number[] {
  return Array.from({ length: modulesPerNode }, (_, k) => index * modulesPerNode + k + 1);
}

/**
 * Where node i (0-based) listens, and its daq_config ip_addr: its own loopback address at the
 * DAQ port (ip_addr the bare host), or with a base port, `host` at basePort + i (ip_addr host:port).
 */
export function nodeListenAddress(index: number, layout: { basePort?: number | undefined; host?: string | undefined }): { host: string; port: number; ipAddr: string } {
  if (layout.basePort === undefined) {
    const host = `127.0.0.${FIRST_LOOPBACK_HOST + index}`;
    return { host, port: DEFAULT_PORT, ipAddr: host };
  }
  const host = layout.host ?? '127.0.0.1';
  const port = layout.basePort + index;
  return { host, port, ipAddr: `${host}:${port}` };
}

export interface UpNode {
  name: string;
  /** daq_config's ip_addr. */
  address: string;
  /** host:port the node listens on. */
  listen: string;
  port: number;
  modules: number[];
  dataDir: string;
}

/**
 * The SDK's daq_config.json: one entry per node (ip_addr a bare host, or host:port with
 * --base-port), with metrics_port when the node serves metrics (`daq web` shows its drops).
 */
export function daqConfig(nodes: readonly (UpNode & { metricsUrl?: string | undefined })[]): object {
  return {
    daq_nodes: nodes.map((n) => {
      const metricsPort = n.metricsUrl ? Number(new URL(n.metricsUrl).port) : undefined;
      return { ip_addr: n.address, data_dir: n.dataDir, node_name: n.name, module_ids: n.modules, ...(metricsPort ? { metrics_port: metricsPort } : {}) };
    }),
  };
}

/** network_config.json: local nodes are reached directly, no gateway. */
export function networkConfig(nodes: readonly UpNode[]): object {
  return { daq_nodes: nodes.map((n) => ({ ip_addr: n.address, port_forwarding: { status: false } })) };
}

const BIN = fileURLToPath(new URL('../bin.js', import.meta.url));

export function upCommand(): Command {
  const cmd = new Command('up')
    .description(`start a local simulated observatory: N DAQ nodes, node i on 127.0.0.(${FIRST_LOOPBACK_HOST}+i):${DEFAULT_PORT}, with daq_config.json for the other commands`)
    .option('-n, --nodes <n>', 'number of node servers', argParser(parseCount), 3)
    .option('--base-port <port>', `put every node on one address (--host, default 127.0.0.1) at consecutive ports from this one, instead of each on its own loopback address at ${DEFAULT_PORT}`, argParser(parsePort))
    .option('--modules-per-node <n>', 'modules each node simulates (node 1: 1..M, node 2: M+1..2M, ...)', argParser(parseCount), 2)
    .option('--host <host>', 'with --base-port: the interface the nodes listen on (default 127.0.0.1)')
    .option('--dir <dir>', 'directory for daq_config.json, network_config.json and node data (default: a new temporary directory, removed on exit)')
    .option('--gateway', 'also start a local nats-server (JetStream, its store under the directory) and a gateway relaying every node to it and serving DaqData (packages/gateway)')
    .option('--gateway-port <port>', 'with --gateway: the port the gateway serves DaqData on, on 127.0.0.1 (default: a free one)', argParser(parsePort));
  return addSimulationOptions(cmd).action((flags: UpFlags) => up(flags));
}

interface RunningNode extends UpNode {
  child: ChildProcess;
  /** The node's /metrics, /healthz, /readyz (it listens on a free port), from its ready line. */
  metricsUrl?: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Forwards a child's output line by line, prefixed with its name; resolves on its ready line with what follows `readyPrefix` on it. */
function follow(child: ChildProcess, name: string, readyPrefix = READY_PREFIX): Promise<string> {
  return new Promise((resolveReady, reject) => {
    const prefix = (line: string) => process.stderr.write(`[${name}] ${line}\n`);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith(readyPrefix)) resolveReady(line.slice(readyPrefix.length));
      else prefix(line);
    });
    createInterface({ input: child.stderr! }).on('line', prefix);
    // A node that reported its own reason (port in use: configuration) passes its exit code on.
    const ownCode = (code: number | null): ExitCode => (Object.values(EXIT) as number[]).includes(code ?? -1) && code !== EXIT.ok && code !== EXIT.internal ? (code as ExitCode) : EXIT.unreachable;
    child.once('exit', (code, signal) => reject(new CliError(`${name} exited before it was ready (${signal ?? `code ${code}`}; its reason is above)`, ownCode(code))));
  });
}

async function up(flags: UpFlags): Promise<void> {
  if (flags.modules) throw new CliError('--modules does not apply to daq up: use --modules-per-node (each node gets its own set)', EXIT.usage);
  simulationOptions(flags); // contradictions are reported before anything starts
  nodeProducts(flags.archive ? await archiveProducts(flags.archive) : flags.products);
  if (flags.basePort === undefined) {
    if (flags.host !== undefined) throw new CliError(`--host applies only with --base-port (without it node i listens on its own loopback address 127.0.0.(${FIRST_LOOPBACK_HOST}+i):${DEFAULT_PORT})`, EXIT.usage);
    const room = LAST_LOOPBACK_HOST - FIRST_LOOPBACK_HOST + 1;
    if (flags.nodes > room) throw new CliError(`--nodes ${flags.nodes}: 127.0.0.0/24 has room for ${room} nodes; use --base-port for more`, EXIT.usage);
  } else if (flags.basePort + flags.nodes - 1 > 65535) throw new CliError(`--base-port ${flags.basePort} leaves no room for ${flags.nodes} nodes`, EXIT.usage);
  const own = flags.dir === undefined;
  const dir = own ? await mkdtemp(join(tmpdir(), 'daq-up-')) : resolve(flags.dir!);
  await mkdir(dir, { recursive: true });

  const nodes: RunningNode[] = [];
  const out = (line: string) => process.stdout.write(`${line}\n`);
  // Ctrl-C is honoured from the start: during start-up it stops the nodes already running.
  let stopRequested = false;
  let requestStop = () => undefined as void;
  const stopSignalled = new Promise<void>((resolveStop) => {
    requestStop = () => {
      stopRequested = true;
      resolveStop();
    };
  });
  process.on('SIGINT', requestStop);
  process.on('SIGTERM', requestStop);
  let stopping = false;
  /** Stops the running nodes; one line per node on how it ended (SIGKILL only after 10 s without exiting). */
  let gatewayUp: UpGateway | undefined;
  const stopAll = async (): Promise<string[]> => {
    stopping = true;
    const gatewayEnds = gatewayUp ? await gatewayUp.stop() : [];
    const running = nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
    for (const n of running) n.child.kill('SIGTERM');
    const ends = await Promise.all(
      running.map(async (n) => {
        let killed = false;
        const killer = setTimeout(() => {
          killed = true;
          n.child.kill('SIGKILL');
        }, STOP_WAIT_MS);
        const { code, signal } = await n.exited;
        clearTimeout(killer);
        const how = signal ?? `exit code ${code}`;
        return `  ${n.name} ${killed ? `did not stop within ${STOP_WAIT_MS / 1000} s: killed (${how})` : `stopped (${how})`}`;
      }),
    );
    await rm(own ? dir : join(dir, 'nodes'), { recursive: true, force: true });
    process.off('SIGINT', requestStop);
    process.off('SIGTERM', requestStop);
    return [...gatewayEnds, ...ends];
  };

  // Injected pulses are seen by every node's modules unless told otherwise: each node injects into its own.
  const allModules = Array.from({ length: flags.nodes }, (_, i) => nodeModules(i, flags.modulesPerNode)).flat();
  const childArgs = simulationArgs(flags.coincidentRate !== undefined && !flags.coincidentModules ? { ...flags, coincidentModules: allModules } : flags);
  try {
    for (let i = 0; i < flags.nodes && !stopRequested; i++) {
      const name = `node-${i + 1}`;
      const { host, port, ipAddr } = nodeListenAddress(i, flags);
      const modules = nodeModules(i, flags.modulesPerNode);
      const dataDir = join(dir, 'nodes', name);
      const args = [BIN, 'up-node', '--host', host, '--port', String(port), '--node-name', name, '--data-dir', dataDir, '--modules', modules.join(','), ...childArgs];
      // stdin stays open and unused: when daq up goes away, even killed, the node sees it end and stops.
      const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
      const node: RunningNode = { name, address: ipAddr, listen: `${host}:${port}`, port, modules, dataDir, child, exited };
      nodes.push(node);
      const ready = await Promise.race([follow(child, name), stopSignalled]);
      node.metricsUrl = ready === undefined ? undefined : (ready.split(' ')[1] ?? '');
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  if (stopRequested) {
    for (const line of await stopAll()) out(line);
    out('stopped during start-up');
    return;
  }

  await writeFile(join(dir, 'daq_config.json'), `${JSON.stringify(daqConfig(nodes), null, 2)}\n`);
  await writeFile(join(dir, 'network_config.json'), `${JSON.stringify(networkConfig(nodes), null, 2)}\n`);
  if (flags.gateway) {
    try {
      gatewayUp = await startUpGateway(dir, flags.gatewayPort);
    } catch (err) {
      for (const line of await stopAll()) out(line);
      throw err;
    }
  }
  out(`local observatory up: ${nodes.length} node${nodes.length > 1 ? 's' : ''} in ${dir}`);
  for (const n of nodes) out(`  ${n.name}  ${n.listen}  modules ${n.modules.join(',')}  pid ${n.child.pid}  metrics ${n.metricsUrl}/metrics`);
  out(`config: ${join(dir, 'daq_config.json')}`);
  // `npx daq` works from anywhere in the checkout, where a bare `daq` needs a global install.
  const config = join(dir, 'daq_config.json');
  out(`try, in another terminal (Ctrl-C here stops every node):`);
  out(`  npx daq list-hosts ${config}`);
  out(`  npx daq stream ${config}`);
  out(`  npx daq plot view ${config}`);
  if (gatewayUp) {
    out(`gateway: DaqData on ${gatewayUp.address} relaying every node through NATS ${gatewayUp.natsUrl} (JetStream store in ${gatewayUp.storeDir}); viewers there never touch a node:`);
    out(`  npx daq stream --hosts ${gatewayUp.address}`);
    out(`  npx daq plot view --hosts ${gatewayUp.address}`);
    out(`  npx daq gateway --nats ${gatewayUp.natsUrl} --port 0      # another gateway on the same NATS`);
  }
  if (flags.coincidentRate !== undefined) {
    out(`  npx daq coincide ${config} --window 1000 --min-modules 2`);
    out(`injected coincidences: truth in ${join(dir, 'nodes', '<node>', '<run dir>.coincidences.truth.jsonl')} (each node lists its own modules)`);
  }
  if (flags.pulsarFrequency !== undefined) {
    out(`  npx daq plot lightcurve ${config} --roi pulsar=13,6,13,6 --background pulsar=0,32,0,4`);
    out(`pulsar: a star at each module's centre pulsing at ${flags.pulsarFrequency} Hz in movie frames`);
  }

  let alive = nodes.length;
  const died: string[] = [];
  for (const n of nodes) {
    void n.exited.then(({ code, signal }) => {
      alive--;
      if (stopping) return;
      died.push(n.name);
      process.stderr.write(`daq up: ${n.name} (${n.listen}, modules ${n.modules.join(',')}) died (${signal ?? `exit code ${code}`}); ${alive} node${alive === 1 ? '' : 's'} still running\n`);
      if (alive === 0) requestStop();
    });
  }
  await stopSignalled;
  out('stopping every node...');
  for (const line of await stopAll()) out(line);
  out('stopped');
  if (died.length > 0) throw new CliError(`${died.join(', ')} died while running (see the messages above)`, EXIT.unreachable);
}

interface UpNodeFlags extends SimulationFlags {
  host: string;
  port: number;
  nodeName: string;
  dataDir: string;
}

/** `daq up-node`: one node of `daq up`: a simulated recorder and a node server following it, in one process. */
export function upNodeCommand(): Command {
  const cmd = new Command('up-node')
    .description('one node of `daq up` (started by daq up)')
    .requiredOption('--port <port>', 'TCP port', argParser(parsePort))
    .requiredOption('--node-name <name>', 'node name')
    .requiredOption('--data-dir <dir>', 'where the simulated recorder writes (removed on exit)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1');
  return addSimulationOptions(cmd).action((flags: UpNodeFlags) => upNode(flags));
}

async function upNode(flags: UpNodeFlags): Promise<void> {
  const moduleIds = flags.modules ?? [];
  if (moduleIds.length === 0) throw new CliError('--modules is required', EXIT.usage);
  const options = simulationOptions(flags);
  const log = createLogger({ format: 'human' });
  const dataDir = resolve(flags.dataDir);
  await mkdir(dataDir, { recursive: true });
  let sim: Simulation | undefined;
  let server: RunningServer | undefined;
  const shutdown = async () => {
    await server?.close(2000);
    await sim?.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  const onWarning = (w: string) => log.warn('simulation', { warning: w });
  try {
    // The node's modules and products are its simulation setting, so InitHpIo(simulate_daq) on
    // it simulates the same modules (into a private temporary directory) as the run it follows.
    const { movie, pulseHeight } = nodeProducts(flags.archive ? await archiveProducts(flags.archive) : flags.products);
    const config = await loadServerConfig(null, {
      ...flagsToOverrides({ host: flags.host, port: String(flags.port), nodeName: flags.nodeName, dataDir, metricsPort: '0', simModuleIds: moduleIds.join(','), simMovieType: movie, simPhType: pulseHeight }),
      allowedDataRoots: [dataDir],
    });
    const nodeOptions = { ...options, onWarning };
    sim = await startSimulation({ ...nodeSimulationOptions(nodeOptions, { moduleIds: [], settings: config.simulation }), dataDir });
    server = await startServer(config, { logger: log, simulator: createNodeSimulator(nodeOptions) }).catch((err: unknown) => {
      throw listenError(flags, err);
    });
  } catch (err) {
    await shutdown();
    throw err;
  }
  process.stdout.write(`${READY_PREFIX}${server.address} ${server.metricsUrl}\n`);
  void sim.done.then((r) => {
    if (r.ended === 'error') log.error('simulation stopped', { error: r.error?.message });
  });
  // Once daq up is gone, nobody reads our output: a write must not fail the shutdown (EPIPE).
  const ignore = () => undefined;
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);
  await untilStopRequested();
  await shutdown();
}

/** The data products an --archive holds. */
async function archiveProducts(roots: readonly string[]): Promise<DataProduct[]> {
  const archive = await scanArchive(roots.map((r) => resolve(r))).catch((err: Error) => {
    throw new CliError(err.message, EXIT.usage);
  });
  return [...new Set(archive.runs.flatMap((r) => r.streams.map((s) => s.dataProduct)))].sort();
}

/**
 * A node's movie and pulse-height product (its simulation setting's movieType / phType): the
 * synthetic --products or the --archive's, else img16 and ph256 (what the bundled archive holds).
 */
export function nodeProducts(given: readonly DataProduct[] | undefined): { movie: string; pulseHeight: string } {
  const products = given ?? ['img16', 'ph256'];
  const movie = products.filter((p) => DATA_PRODUCTS[p].kind === 'movie');
  const pulseHeight = products.filter((p) => DATA_PRODUCTS[p].kind === 'pulse-height');
  if (movie.length > 1 || pulseHeight.length > 1) {
    throw new CliError(`products ${products.join(',')}: a node simulates at most one movie and one pulse-height product (the reference's movie_type and ph_type)`, EXIT.usage);
  }
  return { movie: movie[0] ?? 'none', pulseHeight: pulseHeight[0] ?? 'none' };
}

/** Why a node's server did not start, said as something to act on. */
export function listenError(flags: Pick<UpNodeFlags, 'host' | 'port' | 'nodeName'>, err: unknown): CliError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ListenError && err.code === 'EADDRINUSE') {
    return new CliError(
      `${flags.nodeName}: port ${flags.port} on ${flags.host} is in use (another daq up, or a DAQ node?): with --base-port P the nodes run on 127.0.0.1:P, P+1, ... (choose free ports)`,
      EXIT.config,
    );
  }
  return new CliError(`${flags.nodeName}: cannot listen on ${flags.host}:${flags.port}: ${message}`, EXIT.config);
}

/**
 * Resolves on SIGINT, SIGTERM, or the end of stdin: daq up holds our stdin open, so its end
 * means daq up is gone (no orphaned nodes). Then stdin is closed: a stdin still being read
 * keeps the process alive after the shutdown, and daq up would wait for its SIGKILL fallback.
 * Later signals stay handled (ignored): Ctrl-C reaches the nodes as well as daq up, whose
 * SIGTERM follows, and neither may cut the shutdown short.
 */
function untilStopRequested(): Promise<void> {
  return new Promise((resolveStop) => {
    const stop = () => {
      process.stdin.off('end', stop).destroy();
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.stdin.once('end', stop).resume();
  });
}

interface UpGateway {
  address: string;
  natsUrl: string;
  storeDir: string;
  /** Stops the gateway, then NATS; one line each on how it ended. */
  stop(): Promise<string[]>;
}

/** `daq up --gateway`: Debian's nats-server (JetStream, store under `dir`) and a `daq gateway` child relaying daq_config's nodes. */
async function startUpGateway(dir: string, port: number | undefined): Promise<UpGateway> {
  const storeDir = join(dir, 'nats');
  await mkdir(storeDir, { recursive: true });
  const nats = await startNatsServer({ storeDir }).catch((err: Error) => {
    throw new CliError(`--gateway: ${err.message}`, EXIT.unreachable);
  });
  const args = [BIN, 'gateway', join(dir, 'daq_config.json'), '--nats', nats.url, '--port', String(port ?? (await freePort())), '--stop-on-stdin-end'];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<string>((r) => child.once('exit', (code, signal) => r(signal ?? `exit code ${code}`)));
  const stop = async (): Promise<string[]> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const gatewayEnd = await exited;
    await nats.stop();
    await rm(storeDir, { recursive: true, force: true });
    return [`  gateway stopped (${gatewayEnd})`, '  nats-server stopped'];
  };
  try {
    const ready = await follow(child, 'gateway', GATEWAY_READY_PREFIX);
    const address = /serving DaqData on (\S+);/.exec(ready)?.[1] ?? '';
    return { address, natsUrl: nats.url, storeDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
