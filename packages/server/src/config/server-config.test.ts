import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PORT, loadServerConfig, resolveServerConfig, type ServerConfig } from './server-config.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function configFile(content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'daq-config-'));
  dirs.push(dir);
  const path = join(dir, 'server.json');
  await writeFile(path, content);
  return path;
}

describe('server configuration', () => {
  it('has documented defaults', async () => {
    const c = await loadServerConfig(undefined);
    expect(c).toMatchObject({ port: DEFAULT_PORT, host: '0.0.0.0', nodeName: hostname(), logFormat: 'auto', unixSocket: null, authToken: null, allowedDataRoots: [] });
    expect(c.minUpdateIntervalSeconds).toBeGreaterThan(0);
  });

  it('applies the file, then command-line overrides', async () => {
    const path = await configFile(JSON.stringify({ port: 6000, nodeName: 'dome-a', allowedDataRoots: ['/data'], logFormat: 'json' }));
    const c = await loadServerConfig(path, { port: 7000, nodeName: undefined });
    expect(c).toMatchObject({ port: 7000, nodeName: 'dome-a', allowedDataRoots: ['/data'], logFormat: 'json' });
  });

  it('names the key and the reason for a bad value', async () => {
    const path = await configFile(JSON.stringify({ port: 70000 }));
    await expect(loadServerConfig(path)).rejects.toThrow(/server\.json: "port" must be an integer port 0-65535/);
    await expect(loadServerConfig(undefined, { minUpdateIntervalSeconds: -1 })).rejects.toThrow(/command line: "minUpdateIntervalSeconds" must be a positive number/);
    await expect(loadServerConfig(undefined, { logFormat: 'xml' })).rejects.toThrow(/"logFormat" must be "human", "json" or "auto"/);
    await expect(loadServerConfig(await configFile('{"prot": 1}'))).rejects.toThrow(/"prot" is not a known setting/);
    await expect(loadServerConfig(await configFile('{port'))).rejects.toThrow(/is not valid JSON/);
    await expect(loadServerConfig(await configFile('[1]'))).rejects.toThrow(/must hold a JSON object/);
    await expect(loadServerConfig('/nonexistent/daq.json')).rejects.toThrow(/cannot be read/);
    expect(() => resolveServerConfig([{ source: 'x', values: { tlsCertFile: 'a.pem' } }])).toThrow(/"tlsKeyFile" must be given together/);
    const err = await loadServerConfig(undefined, { maxStreams: 1.5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('maxStreams');
  });

  it('bounds every number and names the key and the bound', async () => {
    await expect(loadServerConfig(undefined, { minUpdateIntervalSeconds: 1e308 })).rejects.toThrow(/"minUpdateIntervalSeconds" must be a positive number, at most 86400/);
    await expect(loadServerConfig(undefined, { maxStreams: 1e9 })).rejects.toThrow(/"maxStreams" must be a positive integer, at most 100000/);
    await expect(loadServerConfig(undefined, { uploadQueueSize: 1e12 })).rejects.toThrow(/"uploadQueueSize" .*at most 1000000/);
    await expect(loadServerConfig(undefined, { shutdownGraceSeconds: 1e7 })).rejects.toThrow(/"shutdownGraceSeconds" .*at most 3600/);
    await expect(loadServerConfig(undefined, { stallTimeoutSeconds: 1e308 })).rejects.toThrow(/"stallTimeoutSeconds" .*at most 86400/);
    await expect(loadServerConfig(undefined, { maxConnectionAgeSeconds: 0 })).rejects.toThrow(/"maxConnectionAgeSeconds" must be a positive number/);
    await expect(loadServerConfig(undefined, { maxStreamsPerConnection: 2.5 })).rejects.toThrow(/"maxStreamsPerConnection" must be a positive integer/);
    const limits = await loadServerConfig(undefined, { maxConnectionAgeSeconds: 3600, prefaceTimeoutSeconds: 2 });
    expect(limits).toMatchObject({ maxConnectionAgeSeconds: 3600, prefaceTimeoutSeconds: 2, stallTimeoutSeconds: 30, maxStreamsPerConnection: 32 });
  });

  it('allows the initial data directory it is told to follow, besides the configured roots', async () => {
    const c = await loadServerConfig(undefined, { initialDataDir: '/mnt/data/run', allowedDataRoots: ['/other'] });
    expect(c.allowedDataRoots).toEqual(['/other', '/mnt/data/run']);
    const alone = await loadServerConfig(undefined, { initialDataDir: '/mnt/data/run' });
    expect(alone.allowedDataRoots).toEqual(['/mnt/data/run']);
    const same = await loadServerConfig(undefined, { initialDataDir: '/mnt/data', allowedDataRoots: ['/mnt/data'] });
    expect(same.allowedDataRoots).toEqual(['/mnt/data']);
  });

  it('declares the newer settings with the same error quality: initialHpIo, uploadRelay, unconfined roots, simulation', async () => {
    const c = await loadServerConfig(undefined, { initialHpIo: { dataDir: 'run', updateIntervalSeconds: 0.5 }, uploadRelay: true, allowedDataRoots: null });
    expect(c.initialHpIo).toEqual({ dataDir: resolve('run'), updateIntervalSeconds: 0.5, force: false, simulateDaq: false, moduleIds: [] });
    expect(c.uploadRelay).toBe(true);
    expect(c.allowedDataRoots).toBeNull();
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ initialHpIo: { updateIntervalSeconds: 0.5 } }, /command line: "initialHpIo" \.dataDir must be given unless simulateDaq is true/],
      [{ initialHpIo: { dataDir: '/d', updateIntervalSeconds: 0 } }, /"initialHpIo" \.updateIntervalSeconds must be a positive number, at most 86400/],
      [{ initialHpIo: { data_dir: '/d', updateIntervalSeconds: 1 } }, /"initialHpIo" \.data_dir is not a known setting \(known: dataDir, updateIntervalSeconds, force, simulateDaq, moduleIds\)/],
      [{ uploadRelay: 'yes' }, /"uploadRelay" must be true or false/],
      [{ simulation: { mode: 'rpc', moduleIds: [], movieType: null, phType: null, sourceData: null, framesPerFile: null, frameLimit: null } }, /"simulation" \.mode must be "filesystem" or "uds"/],
      [{ simulation: { mode: 'uds', moduleIds: [-1], movieType: null, phType: null, sourceData: null, framesPerFile: null, frameLimit: null } }, /"simulation" \.moduleIds\[0\] must be a module id 0-65535/],
      [{ simulation: { mode: 'uds' } }, /"simulation" \.moduleIds must be a list of module ids/],
    ];
    for (const [values, message] of bad) await expect(loadServerConfig(undefined, values), message.source).rejects.toThrow(message);
  });

  it('refuses any number outside its bound, naming the key and the bound', () => {
    // Each bounded setting, its upper bound and whether it must be an integer (README "Configuration").
    const bounds: Array<[string, number, boolean]> = [
      ['port', 65535, true],
      ['minUpdateIntervalSeconds', 86_400, false],
      ['maxStreams', 100_000, true],
      ['uploadQueueSize', 1_000_000, true],
      ['shutdownGraceSeconds', 3_600, false],
      ['keepaliveTimeSeconds', 86_400, false],
      ['maxStreamsPerConnection', 10_000, true],
      ['prefaceTimeoutSeconds', 3_600, false],
      ['streamStartsPerPeerPerSecond', 100_000, false],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...bounds), fc.double({ noNaN: true }), ([key, max, integer], value) => {
        const inside = value <= max && value >= (key === 'port' || key === 'shutdownGraceSeconds' ? 0 : Number.MIN_VALUE) && (!integer || Number.isInteger(value));
        const attempt = () => resolveServerConfig([{ source: 'x.json', values: { [key]: value } }]);
        if (inside) expect(attempt()[key as keyof ServerConfig]).toBe(value);
        else expect(attempt).toThrow(new RegExp(`^x\\.json: "${key}" must be .*${max}`));
      }),
    );
  });
});
