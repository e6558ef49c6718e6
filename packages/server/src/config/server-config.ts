// The node's configuration: one JSON file with documented defaults, overridden by CLI flags.
// Every setting is declared once, in SETTINGS below (type, default, bound, doc), with zod; the
// reference's own daq_data_server_config.json is translated onto these settings by
// reference-server-config.ts. A bad value is reported with its source, key and reason, and
// the server refuses to start rather than guess.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { NodeSimulationSettings } from '../service/simulator.js';
import { recorderSocketsProblem } from '../ingest/recorder-sockets.js';
import { HpIoConfigError, INITIAL_HP_IO_SCHEMA, initHpIoRequestFrom, readHpIoConfigFile } from './hp-io-config.js';
import { isReferenceServerConfig, ReferenceConfigError, translateReferenceServerConfig, type IgnoredSetting, type ReferenceTranslation } from './reference-server-config.js';
import { DAY_SECONDS, firstIssue, flag, integerBetween, moduleId, nonEmptyString, nonNegativeNumberUpTo, positiveIntegerUpTo, positiveNumberUpTo, settingsObject, stringList } from './schema-rules.js';

/** `auto`: human lines on a terminal, JSON lines otherwise (a daemon's stderr goes to the journal or a file). */
export type LogFormat = 'human' | 'json' | 'auto';

export const RECORDER_SOCKETS_SCHEMA = settingsObject(
  {
    dataProducts: stringList().describe('data products with a socket each (img8, img16, ph256, ph1024)'),
    socketPathTemplate: nonEmptyString().describe('socket path, `{dp_name}` replaced by each data product\'s name'),
    readTimeoutSeconds: z.number({ error: 'must be a number of seconds' }).describe('a connection silent this long is closed (and logged)'),
  },
  'or null',
).superRefine((value, ctx) => {
  const problem = recorderSocketsProblem(value);
  // The problem starts with the field it is about ("dataProducts is empty").
  if (problem) ctx.addIssue({ code: 'custom', message: `.${problem}` });
});
export type RecorderSocketsConfig = z.output<typeof RECORDER_SOCKETS_SCHEMA>;

const SIMULATION_SCHEMA = settingsObject(
  {
    mode: z.enum(['filesystem', 'uds'], { error: 'must be "filesystem" or "uds"' }).describe('filesystem: run directories the watcher follows; uds: plays the recorder on this node\'s recorder sockets'),
    moduleIds: z.array(moduleId(), { error: 'must be a list of module ids 0-65535' }).max(1024, { error: 'must list at most 1024 modules' }).describe('modules simulated when InitHpIo names none'),
    movieType: z.enum(['img8', 'img16'], { error: 'must be "img8", "img16" or null' }).nullable().describe('movie product simulated, or none'),
    phType: z.enum(['ph256', 'ph1024'], { error: 'must be "ph256", "ph1024" or null' }).nullable().describe('pulse-height product simulated, or none'),
    sourceData: settingsObject(
      {
        realModuleId: moduleId().nullable(),
        moviePffPath: nonEmptyString().nullable(),
        phPffPath: nonEmptyString().nullable(),
      },
      'or null',
    )
      .nullable()
      .describe('PFF files replayed instead of the bundled archive'),
    framesPerFile: positiveIntegerUpTo(1_000_000_000).nullable().describe('frames per file before the next seqno file (null: size-based)'),
    frameLimit: positiveIntegerUpTo(Number.MAX_SAFE_INTEGER).nullable().describe('stop after this many frames per module and product (null: no limit)'),
  },
  'or null',
);
// The schema and the simulator's own type must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const simulationSchemaMatches: Same<z.output<typeof SIMULATION_SCHEMA>, NodeSimulationSettings> = true;
void simulationSchemaMatches;

/** Every setting of the node: type, default, bound and what it does, declared once. */
const SETTINGS = {
  host: nonEmptyString().default('0.0.0.0').describe('interface to listen on'),
  port: integerBetween(0, 65535, 'must be an integer port 0-65535').default(50051).describe('TCP port; 0 picks a free one'),
  metricsPort: integerBetween(0, 65535, 'must be an integer port 0-65535').nullable().default(null).describe('HTTP port on `host` for /metrics, /healthz and /readyz (0 picks a free one); null = off'),
  unixSocket: nonEmptyString().nullable().default(null).describe('Unix socket path to listen on as well'),
  nodeName: nonEmptyString().default(hostname()).describe('name put in every StreamImagesResponse'),
  minUpdateIntervalSeconds: positiveNumberUpTo(DAY_SECONDS).default(0.001).describe("floor for every stream's update_interval_seconds and for InitHpIo's"),
  maxStreams: positiveIntegerUpTo(100_000).default(64).describe('concurrent StreamImages calls; more are RESOURCE_EXHAUSTED'),
  allowedDataRoots: stringList()
    .nullable()
    .default([])
    .describe("InitHpIo's data_dir must resolve (symlinks too) inside one of these; [] refuses every data_dir; null = unconfined (any existing directory, as the reference)"),
  uploadQueueSize: positiveIntegerUpTo(1_000_000).default(256).describe('images accepted from UploadImages but not yet broadcast; beyond it RESOURCE_EXHAUSTED'),
  // Every-frame delivery (README "Every frame"): recent frames held while every-frame clients want them.
  ringBytes: positiveIntegerUpTo(16 * 1024 ** 3).default(64 * 1024 ** 2).describe('every-frame ring: bytes of recent frames held (never above this)'),
  ringSeconds: positiveNumberUpTo(DAY_SECONDS).default(60).describe('every-frame ring: seconds of recent frames held, and how long it outlives the last every-frame client'),
  uploadRelay: flag().default(false).describe("the node's images come from UploadImages: StreamImages is served before any InitHpIo"),
  authToken: nonEmptyString().nullable().default(null).describe('when set, InitHpIo and UploadImages need `authorization: Bearer <token>`'),
  tlsCertFile: nonEmptyString().nullable().default(null).describe('PEM certificate chain; with tlsKeyFile'),
  tlsKeyFile: nonEmptyString().nullable().default(null).describe('PEM private key; with tlsCertFile'),
  logFormat: z
    .enum(['human', 'json', 'auto'], { error: 'must be "human", "json" or "auto"' })
    .default('auto')
    .describe('log lines on stderr: auto = human on a terminal, JSON lines otherwise'),
  shutdownGraceSeconds: nonNegativeNumberUpTo(3_600).default(5).describe('seconds streams get to end cleanly at shutdown before they are cut'),
  initialDataDir: nonEmptyString().nullable().default(null).describe('data directory to follow from start-up (as if InitHpIo had been called)'),
  initialHpIo: INITIAL_HP_IO_SCHEMA.nullable()
    .default(null)
    .describe("InitHpIo sent at start-up (the reference's init_from_default + default_hp_io_config_file); same checks and statuses as the RPC"),

  // Acquisition straight from the recorder (REFERENCE section 6, the reference config's
  // acquisition_methods.uds and filesystem_pipe). Both may run beside the file watcher.
  recorderSockets: RECORDER_SOCKETS_SCHEMA.nullable().default(null).describe('recorder sockets (`uds`): one Unix stream socket per data product; null = off'),
  statusPipe: nonEmptyString().nullable().default(null).describe('named pipe the recorder writes status into (`read_status_pipe_name`), drained so it never blocks; null = off'),
  simulation: SIMULATION_SCHEMA.nullable().default(null).describe("how InitHpIo(simulate_daq) simulates a recorder (the reference's simulate_daq_cfg); null = the simulator's defaults"),

  // Limits for a public-facing node: hostile or broken clients must not hold connections,
  // stream slots or CPU (README "Limits").
  keepaliveTimeSeconds: positiveNumberUpTo(DAY_SECONDS).default(60).describe('the server pings each connection after this much silence...'),
  keepaliveTimeoutSeconds: positiveNumberUpTo(DAY_SECONDS).default(20).describe('...and closes it when the ping is not answered within this'),
  maxConnectionIdleSeconds: positiveNumberUpTo(DAY_SECONDS).default(600).describe('a connection without calls for this long is closed'),
  maxConnectionAgeSeconds: positiveNumberUpTo(DAY_SECONDS).nullable().default(null).describe('a connection older than this is asked to go away (null: no age limit)...'),
  maxConnectionAgeGraceSeconds: nonNegativeNumberUpTo(DAY_SECONDS).default(30).describe('...and cut this long after that request'),
  maxStreamsPerConnection: positiveIntegerUpTo(10_000).default(32).describe('concurrent calls on one HTTP/2 connection'),
  prefaceTimeoutSeconds: positiveNumberUpTo(3_600).default(10).describe('a connection that has not sent the HTTP/2 preface within this is closed'),
  stallTimeoutSeconds: positiveNumberUpTo(DAY_SECONDS).default(30).describe('a stream whose client has taken no message for this long is ended RESOURCE_EXHAUSTED'),
  streamStartsPerPeerPerSecond: positiveNumberUpTo(100_000).default(20).describe('StreamImages starts accepted per client host and second (bursts of twice this)'),
};
const SERVER_CONFIG_SCHEMA = z.object(SETTINGS);

export type ServerConfig = z.output<typeof SERVER_CONFIG_SCHEMA>;

/** The reference's `uds` settings, used by `--recorder-socket` without a template. */
export const REFERENCE_RECORDER_SOCKETS: RecorderSocketsConfig = {
  dataProducts: ['img8', 'img16', 'ph256', 'ph1024'],
  socketPathTemplate: '/tmp/hashpipe_grpc.dp_{dp_name}.sock',
  readTimeoutSeconds: 600,
};

export const DEFAULT_PORT = 50051;

export function defaultServerConfig(): ServerConfig {
  return SERVER_CONFIG_SCHEMA.parse({});
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly key: string,
    readonly reason: string,
    readonly source: string,
    /** How the source spelled the key, when not as ours (the reference's config). */
    spelled: string = key,
  ) {
    super(`${source}: ${spelled === key ? `"${key}"` : `"${spelled}" (${key} here)`} ${reason}`);
  }
}

export const CONFIG_KEYS = Object.keys(SETTINGS) as ReadonlyArray<keyof ServerConfig>;

/** One source of settings: a file, the command line. `keyNames` maps our key to what that source called it. */
export interface ConfigLayer {
  source: string;
  values: Record<string, unknown>;
  keyNames?: Record<string, string>;
}

/**
 * Merges `layers` over the defaults (later wins; undefined means "not given") and validates
 * the result. Unknown keys are errors: a typo must not silently fall back to a default.
 */
export function resolveServerConfig(layers: ReadonlyArray<ConfigLayer>, baseDir: string = process.cwd()): ServerConfig {
  const merged: Record<string, unknown> = {};
  const sourceOf: Record<string, string> = {};
  const nameOf: Record<string, string> = {};
  for (const { source, values, keyNames = {} } of layers) {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      if (!Object.hasOwn(SETTINGS, key)) {
        throw new ConfigError(key, `is not a known setting (known: ${CONFIG_KEYS.join(', ')})`, source);
      }
      merged[key] = value;
      sourceOf[key] = source;
      if (keyNames[key]) nameOf[key] = keyNames[key];
      else delete nameOf[key];
    }
  }
  const parsed = SERVER_CONFIG_SCHEMA.safeParse(merged);
  if (!parsed.success) {
    const { key = '(file)', below, reason } = firstIssue(parsed.error);
    throw new ConfigError(key, `${below ? `${below} ` : ''}${reason}`, sourceOf[key] ?? 'defaults', nameOf[key]);
  }
  const config = parsed.data;
  if ((config.tlsCertFile === null) !== (config.tlsKeyFile === null)) {
    const missing = config.tlsCertFile === null ? 'tlsCertFile' : 'tlsKeyFile';
    throw new ConfigError(missing, 'must be given together with the other TLS file', sourceOf.tlsCertFile ?? sourceOf.tlsKeyFile ?? 'defaults');
  }
  // Relative paths in a config file mean "relative to where the node was started".
  const abs = (p: string | null) => (p === null ? null : resolve(baseDir, p));
  const roots = config.allowedDataRoots && config.allowedDataRoots.map((p) => resolve(baseDir, p));
  const initialDataDir = abs(config.initialDataDir);
  // The directory the operator told the node to follow is one it may serve: `--data-dir X`
  // alone works, and InitHpIo may come back to X later.
  if (roots !== null && initialDataDir !== null && !roots.includes(initialDataDir)) roots.push(initialDataDir);
  const hpIo = config.initialHpIo;
  const source = config.simulation?.sourceData ?? null;
  return {
    ...config,
    allowedDataRoots: roots,
    unixSocket: abs(config.unixSocket),
    tlsCertFile: abs(config.tlsCertFile),
    tlsKeyFile: abs(config.tlsKeyFile),
    initialDataDir,
    initialHpIo: hpIo && { ...hpIo, dataDir: hpIo.dataDir && resolve(baseDir, hpIo.dataDir) },
    recorderSockets: config.recorderSockets && { ...config.recorderSockets, socketPathTemplate: resolve(baseDir, config.recorderSockets.socketPathTemplate) },
    statusPipe: abs(config.statusPipe),
    simulation: config.simulation && {
      ...config.simulation,
      sourceData: source && { ...source, moviePffPath: abs(source.moviePffPath), phPffPath: abs(source.phPffPath) },
    },
  };
}

/** A loaded configuration and the reference-config keys it ignored (to be logged once at start-up). */
export interface LoadedServerConfig {
  config: ServerConfig;
  ignored: IgnoredSetting[];
  /** The file was the reference's daq_data_server_config.json. */
  referenceFormat: boolean;
}

async function readJsonObject(path: string): Promise<Record<string, unknown>> {
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
  return parsed as Record<string, unknown>;
}

/** The layer a config file gives: our own format as it is, the reference's translated. */
async function fileLayer(path: string): Promise<{ layer: ConfigLayer; ignored: IgnoredSetting[]; referenceFormat: boolean }> {
  const values = await readJsonObject(path);
  if (!isReferenceServerConfig(values)) return { layer: { source: path, values }, ignored: [], referenceFormat: false };
  let t: ReferenceTranslation;
  try {
    t = translateReferenceServerConfig(values, CONFIG_KEYS);
  } catch (err) {
    if (err instanceof ReferenceConfigError) throw new ConfigError(err.key, err.reason, path);
    throw err;
  }
  if (t.initialHpIoFile !== null) {
    try {
      // Beside the server config, where the reference keeps its hp_io configs.
      t.values.initialHpIo = initHpIoRequestFrom(await readHpIoConfigFile(resolve(dirname(path), t.initialHpIoFile)));
      t.keyNames.initialHpIo = 'default_hp_io_config_file';
    } catch (err) {
      if (err instanceof HpIoConfigError) throw new ConfigError('default_hp_io_config_file', `${t.initialHpIoFile}: ${err.key}: ${err.reason}`, path);
      throw err;
    }
  }
  return { layer: { source: path, values: t.values, keyNames: t.keyNames }, ignored: t.ignored, referenceFormat: true };
}

/**
 * Reads the JSON file at `path` (if given; our format or the reference's
 * daq_data_server_config.json) and applies `overrides` (e.g. CLI flags) on top.
 */
export async function loadServerConfigWithNotes(path: string | null | undefined, overrides: Partial<Record<keyof ServerConfig, unknown>> = {}): Promise<LoadedServerConfig> {
  const layers: ConfigLayer[] = [];
  let ignored: IgnoredSetting[] = [];
  let referenceFormat = false;
  if (path) {
    const file = await fileLayer(path);
    layers.push(file.layer);
    ({ ignored, referenceFormat } = file);
  }
  layers.push({ source: 'command line', values: overrides });
  return { config: resolveServerConfig(layers), ignored, referenceFormat };
}

/** loadServerConfigWithNotes without the notes. */
export async function loadServerConfig(path: string | null | undefined, overrides: Partial<Record<keyof ServerConfig, unknown>> = {}): Promise<ServerConfig> {
  return (await loadServerConfigWithNotes(path, overrides)).config;
}
