// The node's configuration: one JSON file with documented defaults, overridden by CLI flags.
// Validation is a pure function so every rule is unit-testable; a bad value is reported with
// its key and the reason, and the server refuses to start rather than guess.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { NodeSimulationSettings } from '../service/simulator.js';
import { recorderSocketsProblem, type RecorderSocketsOptions } from '../ingest/recorder-sockets.js';

export type LogFormat = 'human' | 'json';

export interface ServerConfig {
  /** Interface to listen on. */
  host: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Optional Unix socket path to listen on as well. */
  unixSocket: string | null;
  /** Name put in every StreamImagesResponse. */
  nodeName: string;
  /** Floor for every client's update_interval_seconds and for InitHpIo's interval. */
  minUpdateIntervalSeconds: number;
  /** Maximum concurrent StreamImages calls; more are RESOURCE_EXHAUSTED. */
  maxStreams: number;
  /** InitHpIo's data_dir must resolve (symlinks too) inside one of these. */
  allowedDataRoots: string[];
  /** Images accepted from UploadImages but not yet broadcast; beyond it RESOURCE_EXHAUSTED. */
  uploadQueueSize: number;
  /** Every-frame ring: bytes of recent frames held for every-frame clients (encoded images plus a per-frame estimate). */
  ringBytes: number;
  /** Every-frame ring: frames older than this are dropped; also how long a departed every-frame client's selection is still served. */
  ringSeconds: number;
  /** When set, InitHpIo and UploadImages need `authorization: Bearer <token>`. */
  authToken: string | null;
  /** PEM files; both or neither. */
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  logFormat: LogFormat;
  /** Seconds streams get to end cleanly at shutdown before they are cut. */
  shutdownGraceSeconds: number;
  /** Optional data directory to follow from start-up (as if InitHpIo had been called). */
  initialDataDir: string | null;

  // Acquisition straight from the recorder (REFERENCE section 6, the reference config's
  // acquisition_methods.uds and filesystem_pipe). Both may run beside the file watcher.
  /** Recorder sockets (`uds`): one Unix stream socket per data product; null = off. */
  recorderSockets: RecorderSocketsConfig | null;
  /** Named pipe the recorder writes status into (`read_status_pipe_name`), drained so it never blocks; null = off. */
  statusPipe: string | null;
  /** How InitHpIo(simulate_daq) simulates a recorder (the reference's simulate_daq_cfg); null = the simulator's defaults. */
  simulation: NodeSimulationSettings | null;
  // Limits for a public-facing node: hostile or broken clients must not hold connections,
  // stream slots or CPU (README "Limits").
  /** The server pings each connection after this much silence... */
  keepaliveTimeSeconds: number;
  /** ...and closes it when the ping is not answered within this. */
  keepaliveTimeoutSeconds: number;
  /** A connection without calls for this long is closed (GOAWAY; clients reconnect on their next call). */
  maxConnectionIdleSeconds: number;
  /** A connection older than this is asked to go away (null: no age limit)... */
  maxConnectionAgeSeconds: number | null;
  /** ...and cut this long after that request. */
  maxConnectionAgeGraceSeconds: number;
  /** Concurrent calls on one HTTP/2 connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxStreamsPerConnection: number;
  /** A connection that has not sent the HTTP/2 preface within this is closed. */
  prefaceTimeoutSeconds: number;
  /** A stream whose client has taken no message for this long is ended RESOURCE_EXHAUSTED. */
  stallTimeoutSeconds: number;
  /** StreamImages starts accepted per client host and second (bursts of twice this); more are RESOURCE_EXHAUSTED. */
  streamStartsPerPeerPerSecond: number;
}

export interface RecorderSocketsConfig {
  dataProducts: string[];
  /** Socket path, `{dp_name}` replaced by each data product's name. */
  socketPathTemplate: string;
  /** A connection silent this long is closed (and logged). */
  readTimeoutSeconds: number;
}

/** The reference's `uds` settings, used by `--recorder-socket` without a template. */
export const REFERENCE_RECORDER_SOCKETS: RecorderSocketsConfig = {
  dataProducts: ['img8', 'img16', 'ph256', 'ph1024'],
  socketPathTemplate: '/tmp/hashpipe_grpc.dp_{dp_name}.sock',
  readTimeoutSeconds: 600,
};

export const DEFAULT_PORT = 50051;

export function defaultServerConfig(): ServerConfig {
  return {
    host: '0.0.0.0',
    port: DEFAULT_PORT,
    unixSocket: null,
    nodeName: hostname(),
    minUpdateIntervalSeconds: 0.001,
    maxStreams: 64,
    allowedDataRoots: [],
    uploadQueueSize: 256,
    ringBytes: 64 * 1024 * 1024,
    ringSeconds: 60,
    authToken: null,
    tlsCertFile: null,
    tlsKeyFile: null,
    logFormat: 'human',
    shutdownGraceSeconds: 5,
    initialDataDir: null,
    recorderSockets: null,
    statusPipe: null,
    simulation: null,

    // Limits for a public-facing node.
    keepaliveTimeSeconds: 60,
    keepaliveTimeoutSeconds: 20,
    maxConnectionIdleSeconds: 600,
    maxConnectionAgeSeconds: null,
    maxConnectionAgeGraceSeconds: 30,
    maxStreamsPerConnection: 32,
    prefaceTimeoutSeconds: 10,
    stallTimeoutSeconds: 30,
    streamStartsPerPeerPerSecond: 20,
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly key: string,
    readonly reason: string,
    readonly source: string,
  ) {
    super(`${source}: "${key}" ${reason}`);
  }
}

type Check = (value: unknown) => string | null;

const isString: Check = (v) => (typeof v === 'string' && v.length > 0 ? null : 'must be a non-empty string');
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null ? null : check(v);
// Every number has an upper bound: 1e308 s overflowed the timers, and no node needs a
// billion streams or a week-long shutdown.
const positiveNumberUpTo =
  (max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max ? null : `must be a positive number, at most ${max}`;
const nonNegativeNumberUpTo =
  (max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max ? null : `must be a number >= 0, at most ${max}`;
const positiveIntegerUpTo =
  (max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= max ? null : `must be a positive integer, at most ${max}`;
/** One day: the longest interval or timeout any setting needs (also below Node's 24.8-day timer limit). */
const DAY_SECONDS = 86_400;
const port: Check = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 ? null : 'must be an integer port 0-65535';
const logFormat: Check = (v) => (v === 'human' || v === 'json' ? null : 'must be "human" or "json"');
const stringList: Check = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0)
    ? null
    : 'must be a list of non-empty strings';

const recorderSockets: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object { dataProducts, socketPathTemplate, readTimeoutSeconds } or null';
  const o = v as Record<string, unknown>;
  const extra = Object.keys(o).find((k) => !Object.hasOwn(REFERENCE_RECORDER_SOCKETS, k));
  if (extra !== undefined) return `.${extra} is not a known setting (known: ${Object.keys(REFERENCE_RECORDER_SOCKETS).join(', ')})`;
  const list = stringList(o.dataProducts);
  if (list) return `.dataProducts ${list}`;
  const template = isString(o.socketPathTemplate);
  if (template) return `.socketPathTemplate ${template}`;
  const problem = recorderSocketsProblem(o as unknown as RecorderSocketsOptions);
  return problem ? `.${problem}` : null;
};

// Declared fully when the config moves to one schema (issue 11 item 1); until then the shape is checked here.
const simulationSettings: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object { mode, moduleIds, movieType, phType, sourceData, framesPerFile, frameLimit } or null';
  const o = v as Record<string, unknown>;
  if (o.mode !== 'filesystem' && o.mode !== 'uds') return '.mode must be "filesystem" or "uds"';
  if (!Array.isArray(o.moduleIds) || !o.moduleIds.every((id) => Number.isInteger(id) && id >= 0 && id <= 65535)) return '.moduleIds must be a list of module ids 0-65535';
  if (o.movieType !== null && o.movieType !== 'img8' && o.movieType !== 'img16') return '.movieType must be "img8", "img16" or null';
  if (o.phType !== null && o.phType !== 'ph256' && o.phType !== 'ph1024') return '.phType must be "ph256", "ph1024" or null';
  return null;
};

const CHECKS: Record<keyof ServerConfig, Check> = {
  host: isString,
  port,
  unixSocket: orNull(isString),
  nodeName: isString,
  minUpdateIntervalSeconds: positiveNumberUpTo(DAY_SECONDS),
  maxStreams: positiveIntegerUpTo(100_000),
  allowedDataRoots: stringList,
  uploadQueueSize: positiveIntegerUpTo(1_000_000),
  ringBytes: positiveIntegerUpTo(16 * 1024 ** 3),
  ringSeconds: positiveNumberUpTo(DAY_SECONDS),
  authToken: orNull(isString),
  tlsCertFile: orNull(isString),
  tlsKeyFile: orNull(isString),
  logFormat,
  shutdownGraceSeconds: nonNegativeNumberUpTo(3_600),
  initialDataDir: orNull(isString),
  recorderSockets: orNull(recorderSockets),
  statusPipe: orNull(isString),
  simulation: orNull(simulationSettings),

  // Limits for a public-facing node.
  keepaliveTimeSeconds: positiveNumberUpTo(DAY_SECONDS),
  keepaliveTimeoutSeconds: positiveNumberUpTo(DAY_SECONDS),
  maxConnectionIdleSeconds: positiveNumberUpTo(DAY_SECONDS),
  maxConnectionAgeSeconds: orNull(positiveNumberUpTo(DAY_SECONDS)),
  maxConnectionAgeGraceSeconds: nonNegativeNumberUpTo(DAY_SECONDS),
  maxStreamsPerConnection: positiveIntegerUpTo(10_000),
  prefaceTimeoutSeconds: positiveNumberUpTo(3_600),
  stallTimeoutSeconds: positiveNumberUpTo(DAY_SECONDS),
  streamStartsPerPeerPerSecond: positiveNumberUpTo(100_000),
};

export const CONFIG_KEYS = Object.keys(CHECKS) as ReadonlyArray<keyof ServerConfig>;

/**
 * Merges `layers` over the defaults (later wins; undefined means "not given") and validates
 * the result. Unknown keys are errors: a typo must not silently fall back to a default.
 */
export function resolveServerConfig(
  layers: ReadonlyArray<{ source: string; values: Record<string, unknown> }>,
  baseDir: string = process.cwd(),
): ServerConfig {
  const merged: Record<string, unknown> = { ...defaultServerConfig() };
  const sourceOf: Record<string, string> = {};
  for (const { source, values } of layers) {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      if (!Object.hasOwn(CHECKS, key)) {
        throw new ConfigError(key, `is not a known setting (known: ${CONFIG_KEYS.join(', ')})`, source);
      }
      merged[key] = value;
      sourceOf[key] = source;
    }
  }
  for (const key of CONFIG_KEYS) {
    const reason = CHECKS[key](merged[key]);
    if (reason) throw new ConfigError(key, reason, sourceOf[key] ?? 'defaults');
  }
  const config = merged as unknown as ServerConfig;
  if ((config.tlsCertFile === null) !== (config.tlsKeyFile === null)) {
    const missing = config.tlsCertFile === null ? 'tlsCertFile' : 'tlsKeyFile';
    throw new ConfigError(missing, 'must be given together with the other TLS file', sourceOf.tlsCertFile ?? sourceOf.tlsKeyFile ?? 'defaults');
  }
  // Relative paths in a config file mean "relative to where the node was started".
  const abs = (p: string | null) => (p === null ? null : resolve(baseDir, p));
  const roots = config.allowedDataRoots.map((p) => resolve(baseDir, p));
  const initialDataDir = abs(config.initialDataDir);
  // The directory the operator told the node to follow is one it may serve: `--data-dir X`
  // alone works, and InitHpIo may come back to X later.
  if (initialDataDir !== null && !roots.includes(initialDataDir)) roots.push(initialDataDir);
  return {
    ...config,
    allowedDataRoots: roots,
    unixSocket: abs(config.unixSocket),
    tlsCertFile: abs(config.tlsCertFile),
    tlsKeyFile: abs(config.tlsKeyFile),
    initialDataDir,
    recorderSockets: config.recorderSockets && { ...config.recorderSockets, socketPathTemplate: resolve(baseDir, config.recorderSockets.socketPathTemplate) },
    statusPipe: abs(config.statusPipe),
  };
}

/** Reads the JSON file at `path` (if given) and applies `overrides` (e.g. CLI flags) on top. */
export async function loadServerConfig(
  path: string | null | undefined,
  overrides: Partial<Record<keyof ServerConfig, unknown>> = {},
): Promise<ServerConfig> {
  const layers: Array<{ source: string; values: Record<string, unknown> }> = [];
  if (path) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new ConfigError('(file)', `cannot be read: ${(err as Error).message}`, path);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigError('(file)', `is not valid JSON: ${(err as Error).message}`, path);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError('(file)', 'must hold a JSON object', path);
    }
    layers.push({ source: path, values: parsed as Record<string, unknown> });
  }
  layers.push({ source: 'command line', values: overrides });
  return resolveServerConfig(layers);
}
