import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../src/exit-codes.js';
import { hpIoConfigFrom } from '../src/hp-io-config.js';
import { resolveTarget } from '../src/options/target-options.js';
import { parseModuleIds, parseWindows } from '../src/options/option-parsers.js';

describe('resolveTarget', () => {
  it('positional configs, --config, --hosts and --host', () => {
    expect(resolveTarget({ daqConfig: 'd.json', networkConfig: 'n.json' }, {})).toEqual({ source: { daqConfig: 'd.json', networkConfig: 'n.json' }, selected: undefined });
    expect(resolveTarget({}, { config: 'd.json', host: '10.0.0.5' })).toEqual({ source: { daqConfig: 'd.json', networkConfig: null }, selected: ['10.0.0.5'] });
    expect(resolveTarget({}, { hosts: ['a', 'b:1'] })).toEqual({ source: { addresses: ['a', 'b:1'] }, selected: undefined });
    expect(resolveTarget({}, { host: 'a:2' })).toEqual({ source: { addresses: ['a:2'] }, selected: ['a:2'] });
  });

  it('conflicting or missing targets are usage errors', () => {
    const usage = (f: () => unknown, text: string) => {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(CliError);
        expect((e as CliError).exitCode).toBe(EXIT.usage);
        expect((e as CliError).message).toContain(text);
      }
    };
    usage(() => resolveTarget({ daqConfig: 'a.json' }, { config: 'b.json' }), 'two daq_configs');
    usage(() => resolveTarget({ daqConfig: 'a.json' }, { hosts: ['x'] }), 'either a daq_config or --hosts');
    usage(() => resolveTarget({}, { networkConfig: 'n.json' }), 'needs a daq_config');
    usage(() => resolveTarget({}, {}), 'no DAQ nodes given');
  });
});

describe('option parsers', () => {
  it('module ids and windows', () => {
    expect(parseModuleIds('1, 2,254')).toEqual([1, 2, 254]);
    expect(() => parseModuleIds('1,-2')).toThrow('module id "-2"');
    expect(parseWindows('10,60s,600')).toEqual([10, 60, 600]);
    expect(() => parseWindows('0')).toThrow('"0" is not a positive number');
  });
});

describe('hp_io_config', () => {
  it('maps the reference keys', () => {
    expect(hpIoConfigFrom({ data_dir: '/d', update_interval_seconds: 0.5, force: true, simulate_daq: false, module_ids: [1, 3] }, 'h.json')).toEqual({
      dataDir: '/d',
      updateIntervalSeconds: 0.5,
      force: true,
      simulateDaq: false,
      moduleIds: [1, 3],
    });
  });

  it('names file, key and reason', () => {
    expect(() => hpIoConfigFrom({ update_interval_seconds: 1, module_ids: [1, 'x'] }, 'h.json')).toThrow('h.json: module_ids[1]: must be a non-negative integer, got "x"');
    expect(() => hpIoConfigFrom({ data_dir: '/d' }, 'h.json')).toThrow('h.json: update_interval_seconds: is missing');
    expect(() => hpIoConfigFrom({ update_interval_seconds: 1, dataDir: '/d' }, 'h.json')).toThrow('h.json: dataDir: is not a known key');
    expect(() => hpIoConfigFrom([], 'h.json')).toThrow('h.json: (file): is not a JSON object');
  });
});
