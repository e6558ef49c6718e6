// The reference's daq_data_server_config.json (recreated in test/fixtures/reference from the key
// list in REFERENCE section 6) read unchanged: what each key becomes, what is ignored and why,
// and errors that name the reference's key.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_KEYS, loadServerConfigWithNotes } from './server-config.js';
import { REFERENCE_KEYS_WITHOUT_EFFECT } from '../../test/reference-keys.js';
import { isReferenceServerConfig, translateReferenceServerConfig, unixSocketPath } from './reference-server-config.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/reference');
const referenceConfig = join(fixtures, 'daq_data_server_config.json');
const readReference = async (): Promise<Record<string, unknown>> => JSON.parse(await readFile(referenceConfig, 'utf8')) as Record<string, unknown>;

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** The reference config with `change` applied, in a temporary directory beside a copy of its hp_io config. */
async function referenceVariant(change: (c: Record<string, any>) => void): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'daq-refcfg-'));
  dirs.push(dir);
  const c = await readReference();
  change(c);
  await copyFile(join(fixtures, 'hp_io_config_simulate.json'), join(dir, 'hp_io_config_simulate.json'));
  const path = join(dir, 'daq_data_server_config.json');
  await writeFile(path, JSON.stringify(c));
  return path;
}

describe("the reference's daq_data_server_config.json", () => {
  it('is recognised by its keys; our own format is not mistaken for it', async () => {
    expect(isReferenceServerConfig(await readReference())).toBe(true);
    expect(isReferenceServerConfig({ port: 1, allowedDataRoots: ['/data'] })).toBe(false);
  });

  it('maps every key with an effect onto our settings, unconfined, and lists the others once with why', async () => {
    const { config, ignored, referenceFormat } = await loadServerConfigWithNotes(referenceConfig);
    expect(referenceFormat).toBe(true);
    expect(config).toMatchObject({
      unixSocket: '/tmp/daq_data.sock',
      maxStreams: 100,
      minUpdateIntervalSeconds: 0.001,
      shutdownGraceSeconds: 5,
      allowedDataRoots: null,
      initialHpIo: { dataDir: '', updateIntervalSeconds: 0.1, force: true, simulateDaq: true, moduleIds: [] },
      recorderSockets: null,
      statusPipe: null,
      port: 50051,
      simulation: { mode: 'filesystem', moduleIds: [224], movieType: 'img16', phType: 'ph256', sourceData: null, framesPerFile: 1000, frameLimit: 10000 },
    });
    const keys = ignored.map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(
      [
        ...REFERENCE_KEYS_WITHOUT_EFFECT,
        'read_status_pipe_name',
        'simulate_daq_cfg.filesystem_cfg',
        'simulate_daq_cfg.source_data',
        'simulate_daq_cfg.strategies.filesystem_pipe',
        'simulate_daq_cfg.strategies.uds',
        'simulate_daq_cfg.strategies.rpc',
        'simulate_daq_cfg.strategies.filesystem_poll.data_products',
      ].sort(),
    );
    for (const i of ignored) expect(i.why.length, i.key).toBeGreaterThan(10);
  });

  it('uds and filesystem_pipe switch on recorder sockets and the status pipe; init_from_default false ignores the hp_io file', async () => {
    const path = await referenceVariant((c) => {
      c.acquisition_methods.uds.enabled = true;
      c.acquisition_methods.filesystem_pipe.enabled = true;
      c.simulate_daq_cfg.simulation_mode = 'uds';
    });
    const { config, ignored } = await loadServerConfigWithNotes(path);
    expect(config.initialHpIo).toEqual({ dataDir: '', updateIntervalSeconds: 0.1, force: true, simulateDaq: true, moduleIds: [] });
    expect(config.recorderSockets).toEqual({ dataProducts: ['img8', 'img16', 'ph256', 'ph1024'], socketPathTemplate: '/tmp/hashpipe_grpc.dp_{dp_name}.sock', readTimeoutSeconds: 600 });
    expect(config.statusPipe).toBe(resolve('read_status_2'));
    expect(config.simulation?.mode).toBe('uds');
    expect(ignored.map((i) => i.key)).not.toContain('default_hp_io_config_file');
    const noInit = await loadServerConfigWithNotes(await referenceVariant((c) => (c.init_from_default = false)));
    expect(noInit.config.initialHpIo).toBeNull();
    expect(noInit.ignored).toContainEqual({ key: 'default_hp_io_config_file', why: 'init_from_default is false' });
  });

  it('takes command-line flags over the file', async () => {
    const { config } = await loadServerConfigWithNotes(referenceConfig, { port: 0, host: '127.0.0.1', maxStreams: 3, unixSocket: '/tmp/other.sock', allowedDataRoots: ['/data'] });
    expect(config).toMatchObject({ port: 0, host: '127.0.0.1', maxStreams: 3, unixSocket: '/tmp/other.sock', allowedDataRoots: ['/data'] });
  });

  it('simulation_mode rpc is simulated as filesystem, and says so', async () => {
    const path = await referenceVariant((c) => (c.simulate_daq_cfg.simulation_mode = 'rpc'));
    const { config, ignored } = await loadServerConfigWithNotes(path);
    expect(config.simulation?.mode).toBe('filesystem');
    expect(ignored.find((i) => i.key === 'simulate_daq_cfg.simulation_mode')?.why).toMatch(/rpc .* filesystem/);
  });

  it("names the file and the reference's key for a bad value", async () => {
    const cases: Array<[(c: Record<string, any>) => void, RegExp]> = [
      [(c) => (c.max_concurrent_rpcs = 0), /daq_data_server_config\.json: "max_concurrent_rpcs" \(maxStreams here\) must be a positive integer, at most 100000/],
      [(c) => (c.min_hp_io_update_interval_seconds = 1e308), /"min_hp_io_update_interval_seconds" \(minUpdateIntervalSeconds here\) must be a positive number, at most 86400/],
      [(c) => (c.shutdown_grace_period = -1), /"shutdown_grace_period" \(shutdownGraceSeconds here\) must be a number >= 0/],
      [(c) => (c.init_from_default = 'yes'), /"init_from_default" must be true or false/],
      [(c) => (c.default_hp_io_config_file = 'missing.json'), /"default_hp_io_config_file" missing\.json: \(file\): file does not exist/],
      [(c) => (c.default_hp_io_config_file = 'daq_data_server_config.json'), /"default_hp_io_config_file" daq_data_server_config\.json: update_interval_seconds: is missing/],
      [(c) => (c.simulate_daq_cfg.simulation_mode = 'tcp'), /"simulate_daq_cfg\.simulation_mode" must be one of uds, filesystem_poll, filesystem_pipe, rpc/],
      [(c) => (c.simulate_daq_cfg.sim_module_ids = [70000]), /"simulate_daq_cfg" \(simulation here\) \.moduleIds\[0\] must be a module id 0-65535/],
      [(c) => ((c.acquisition_methods.uds.enabled = true), (c.acquisition_methods.uds.read_timeout = 0)), /"acquisition_methods\.uds" \(recorderSockets here\) \.readTimeoutSeconds must be/],
      [(c) => (c.acquisition_methods = []), /"acquisition_methods" must be an object/],
    ];
    for (const [change, message] of cases) {
      await expect(loadServerConfigWithNotes(await referenceVariant(change)), message.source).rejects.toThrow(message);
    }
  });

  it('reads unix_domain_socket in gRPC spelling', () => {
    expect(unixSocketPath('unix:///tmp/daq_data.sock')).toBe('/tmp/daq_data.sock');
    expect(unixSocketPath('unix:/run/d.sock')).toBe('/run/d.sock');
    expect(unixSocketPath('relative.sock')).toBe('relative.sock');
  });

  it('never refuses a key it does not know in the reference format: each is listed once as ignored', () => {
    const unknownKey = fc.string({ minLength: 1 }).filter((k) => !CONFIG_KEYS.includes(k as never) && !isReferenceServerConfig({ [k]: 1 }) && k !== '__proto__');
    fc.assert(
      fc.property(fc.dictionary(unknownKey, fc.jsonValue()), (extra) => {
        const { ignored } = translateReferenceServerConfig({ ...extra, max_concurrent_rpcs: 10 }, CONFIG_KEYS);
        expect(ignored.map((i) => i.key).sort()).toEqual(Object.keys(extra).sort());
      }),
    );
  });
});
