// The reference service's own daq_data_server_config.json (REFERENCE section 6), read unchanged:
// recognised by its keys and translated onto this node's settings, so each value is still
// checked by the one schema in server-config.ts (an error names the reference's key). Keys
// that have no effect here are returned with the reason, to be logged once at start-up.
// Pure: the file named by default_hp_io_config_file is read by the caller.

export interface IgnoredSetting {
  /** Dotted path in the reference file, e.g. "simulate_daq_cfg.filesystem_cfg". */
  key: string;
  why: string;
}

export interface ReferenceTranslation {
  /** This node's settings, in our spelling. */
  values: Record<string, unknown>;
  /** Our setting -> the reference key it came from, so an error names what the user wrote. */
  keyNames: Record<string, string>;
  ignored: IgnoredSetting[];
  /** init_from_default: the hp_io config to send as InitHpIo at start-up (initialHpIo), or null. */
  initialHpIoFile: string | null;
}

/** Reference keys that mean nothing here, each with why (listed once at start-up, never an error). */
const NO_EFFECT: Record<string, string> = {
  max_read_queue_size: 'no read queue here: each client keeps only the newest frame per module and product',
  max_client_update_interval_seconds: 'a stream may ask any interval up to 86400 s (the request bound); longer ones are INVALID_ARGUMENT',
  max_reader_enqueue_timeouts: 'no reader queues here: a slow client skips frames instead of timing out',
  max_reader_dequeue_timeouts: 'no reader queues here: a slow client skips frames instead of timing out',
  reader_timeout: 'files are followed by change notifications, not read with a timeout; silent recorder sockets use acquisition_methods.uds.read_timeout',
  hp_io_stop_timeout: 'stopping the file watcher does not wait on a task; shutdown uses shutdown_grace_period',
  valid_data_products: 'the data products are fixed here (img8, img16, ph256, ph1024)',
};

/** Keys only the reference's format has: one of them marks a file as the reference's. */
const REFERENCE_KEYS = [
  'unix_domain_socket',
  'max_concurrent_rpcs',
  'min_hp_io_update_interval_seconds',
  'shutdown_grace_period',
  'init_from_default',
  'default_hp_io_config_file',
  'read_status_pipe_name',
  'acquisition_methods',
  'simulate_daq_cfg',
  ...Object.keys(NO_EFFECT),
];

/** Reference key -> our setting, for values that carry over as they are. */
const SAME_VALUE: Record<string, string> = {
  max_concurrent_rpcs: 'maxStreams',
  min_hp_io_update_interval_seconds: 'minUpdateIntervalSeconds',
  shutdown_grace_period: 'shutdownGraceSeconds',
};

export function isReferenceServerConfig(values: Record<string, unknown>): boolean {
  return REFERENCE_KEYS.some((k) => Object.hasOwn(values, k));
}

export class ReferenceConfigError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`"${key}" ${reason}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function objectAt(v: unknown, key: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new ReferenceConfigError(key, 'must be an object');
  return v;
}

function enabled(section: Record<string, unknown>, key: string): boolean {
  const e = section.enabled ?? false;
  if (typeof e !== 'boolean') throw new ReferenceConfigError(`${key}.enabled`, 'must be true or false');
  return e;
}

/** `unix:///tmp/daq_data.sock` (gRPC's spelling) -> `/tmp/daq_data.sock`. */
export function unixSocketPath(address: unknown): unknown {
  if (typeof address !== 'string') return address;
  if (address.startsWith('unix://')) return address.slice('unix://'.length);
  if (address.startsWith('unix:')) return address.slice('unix:'.length);
  return address;
}

const SIMULATION_MODES: Record<string, 'filesystem' | 'uds'> = { uds: 'uds', filesystem_poll: 'filesystem', filesystem_pipe: 'filesystem', rpc: 'filesystem' };

function translateSimulation(cfg: Record<string, unknown>, ignored: IgnoredSetting[]): Record<string, unknown> {
  const at = (k: string) => `simulate_daq_cfg.${k}`;
  const mode = cfg.simulation_mode ?? 'filesystem_poll';
  if (typeof mode !== 'string' || !Object.hasOwn(SIMULATION_MODES, mode)) {
    throw new ReferenceConfigError(at('simulation_mode'), `must be one of ${Object.keys(SIMULATION_MODES).join(', ')}`);
  }
  if (mode === 'rpc') {
    ignored.push({ key: at('simulation_mode'), why: 'rpc (the simulator uploading through UploadImages) is simulated as filesystem here: the same frames reach clients through the file watcher' });
  }
  const source = objectAt(cfg.source_data, at('source_data'));
  const strategies = objectAt(cfg.strategies, at('strategies'));
  const strategy = objectAt(strategies[mode], at(`strategies.${mode}`));
  for (const other of Object.keys(strategies).filter((k) => k !== mode)) {
    ignored.push({ key: at(`strategies.${other}`), why: `only the strategy of simulation_mode "${mode}" applies` });
  }
  if (strategy.data_products !== undefined) {
    ignored.push({ key: at(`strategies.${mode}.data_products`), why: 'the simulated products are movie_type and ph_type' });
  }
  if (cfg.filesystem_cfg !== undefined) {
    ignored.push({ key: at('filesystem_cfg'), why: 'simulated runs are written to a temporary directory the node creates and removes; sim_data_dir, sim_run_dir_template and daq_active_file are not used' });
  }
  const known = ['simulation_mode', 'sim_module_ids', 'movie_type', 'ph_type', 'source_data', 'strategies', 'filesystem_cfg'];
  for (const k of Object.keys(cfg).filter((k) => !known.includes(k))) ignored.push({ key: at(k), why: 'not a simulate_daq_cfg key this node knows' });
  const orNull = (v: unknown) => (v === undefined || v === '' ? null : v);
  // The reference ships source_data with empty paths: nothing to replay from, so the bundled archive is.
  const sourceGiven = cfg.source_data !== undefined && cfg.source_data !== null && (orNull(source.movie_pff_path) !== null || orNull(source.ph_pff_path) !== null);
  if (cfg.source_data !== undefined && cfg.source_data !== null && !sourceGiven) {
    ignored.push({ key: at('source_data'), why: 'names neither movie_pff_path nor ph_pff_path: the bundled archive is replayed' });
  }
  return {
    mode: SIMULATION_MODES[mode],
    moduleIds: cfg.sim_module_ids ?? [],
    movieType: orNull(cfg.movie_type),
    phType: orNull(cfg.ph_type),
    sourceData: !sourceGiven
      ? null
      : { realModuleId: orNull(source.real_module_id), moviePffPath: orNull(source.movie_pff_path), phPffPath: orNull(source.ph_pff_path) },
    framesPerFile: orNull(strategy.frames_per_pff),
    frameLimit: orNull(strategy.frame_limit),
  };
}

/**
 * Translates a reference daq_data_server_config.json. Keys of this node's own format may sit
 * beside the reference's (e.g. allowedDataRoots) and are passed through; any other key is
 * listed as ignored.
 */
export function translateReferenceServerConfig(file: Record<string, unknown>, ownKeys: readonly string[]): ReferenceTranslation {
  const values: Record<string, unknown> = {};
  const keyNames: Record<string, string> = {};
  const ignored: IgnoredSetting[] = [];
  const set = (ours: string, value: unknown, from: string) => {
    values[ours] = value;
    keyNames[ours] = from;
  };
  // The reference has no data roots: it follows any existing directory (unless this file or the
  // command line gives allowedDataRoots; the node warns at start-up that it is unconfined).
  values.allowedDataRoots = null;
  for (const [key, value] of Object.entries(file)) {
    if (Object.hasOwn(SAME_VALUE, key)) set(SAME_VALUE[key]!, value, key);
    else if (Object.hasOwn(NO_EFFECT, key)) ignored.push({ key, why: NO_EFFECT[key]! });
    else if (ownKeys.includes(key)) values[key] = value;
    else if (!REFERENCE_KEYS.includes(key)) ignored.push({ key, why: 'not a key of the reference config this node knows' });
  }
  if (file.unix_domain_socket !== undefined && file.unix_domain_socket !== null && file.unix_domain_socket !== '') {
    set('unixSocket', unixSocketPath(file.unix_domain_socket), 'unix_domain_socket');
  }

  let initialHpIoFile: string | null = null;
  const init = file.init_from_default ?? false;
  if (typeof init !== 'boolean') throw new ReferenceConfigError('init_from_default', 'must be true or false');
  if (init) {
    const f = file.default_hp_io_config_file;
    if (typeof f !== 'string' || f === '') throw new ReferenceConfigError('default_hp_io_config_file', 'must name the hp_io config file when init_from_default is true');
    initialHpIoFile = f;
  } else if (file.default_hp_io_config_file !== undefined) {
    ignored.push({ key: 'default_hp_io_config_file', why: 'init_from_default is false' });
  }

  const methods = objectAt(file.acquisition_methods, 'acquisition_methods');
  for (const k of Object.keys(methods).filter((k) => !['filesystem_poll', 'filesystem_pipe', 'uds'].includes(k))) {
    ignored.push({ key: `acquisition_methods.${k}`, why: 'not an acquisition method this node knows (filesystem_poll, filesystem_pipe, uds)' });
  }
  const poll = objectAt(methods.filesystem_poll, 'acquisition_methods.filesystem_poll');
  if (methods.filesystem_poll !== undefined && !enabled(poll, 'acquisition_methods.filesystem_poll')) {
    ignored.push({ key: 'acquisition_methods.filesystem_poll.enabled', why: 'the file watcher cannot be switched off: it follows whatever data_dir InitHpIo names' });
  }
  const pipe = objectAt(methods.filesystem_pipe, 'acquisition_methods.filesystem_pipe');
  if (enabled(pipe, 'acquisition_methods.filesystem_pipe') && file.read_status_pipe_name !== undefined) {
    set('statusPipe', file.read_status_pipe_name, 'read_status_pipe_name');
  } else if (file.read_status_pipe_name !== undefined) {
    ignored.push({ key: 'read_status_pipe_name', why: 'acquisition_methods.filesystem_pipe is not enabled' });
  }
  const uds = objectAt(methods.uds, 'acquisition_methods.uds');
  if (enabled(uds, 'acquisition_methods.uds')) {
    set(
      'recorderSockets',
      {
        dataProducts: uds.data_products ?? ['img8', 'img16', 'ph256', 'ph1024'],
        socketPathTemplate: uds.socket_path_template ?? '/tmp/hashpipe_grpc.dp_{dp_name}.sock',
        readTimeoutSeconds: uds.read_timeout ?? 600,
      },
      'acquisition_methods.uds',
    );
    for (const k of Object.keys(uds).filter((k) => !['enabled', 'data_products', 'socket_path_template', 'read_timeout'].includes(k))) {
      ignored.push({ key: `acquisition_methods.uds.${k}`, why: 'not a uds setting this node knows' });
    }
  }

  if (file.simulate_daq_cfg !== undefined && file.simulate_daq_cfg !== null) {
    set('simulation', translateSimulation(objectAt(file.simulate_daq_cfg, 'simulate_daq_cfg'), ignored), 'simulate_daq_cfg');
  }
  return { values, keyNames, ignored, initialHpIoFile };
}
