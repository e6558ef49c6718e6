// hp_io_config.json, the file `daq init` sends as InitHpIo: the reference CLI's keys
// (data_dir, update_interval_seconds, force, simulate_daq, module_ids). Every problem names
// the file, the key and the reason.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { HpIoConfig } from '@daqdata/client';
import { CliError, EXIT } from './exit-codes.js';

const KEYS = ['data_dir', 'update_interval_seconds', 'force', 'simulate_daq', 'module_ids'];

function problem(path: string, key: string, reason: string): CliError {
  return new CliError(`${path}: ${key}: ${reason}`, EXIT.config);
}

/** Validates parsed JSON as an hp_io config; `path` is only used in messages. */
export function hpIoConfigFrom(value: unknown, path: string): HpIoConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw problem(path, '(file)', 'is not a JSON object');
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) throw problem(path, unknown[0]!, `is not a known key (known: ${KEYS.join(', ')})`);
  const interval = v.update_interval_seconds;
  if (interval === undefined) throw problem(path, 'update_interval_seconds', 'is missing');
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
    throw problem(path, 'update_interval_seconds', `must be a positive number, got ${JSON.stringify(interval)}`);
  }
  const cfg: HpIoConfig = { updateIntervalSeconds: interval };
  if (v.data_dir !== undefined) {
    if (typeof v.data_dir !== 'string' || v.data_dir.trim() === '') throw problem(path, 'data_dir', `must be a non-empty string, got ${JSON.stringify(v.data_dir)}`);
    cfg.dataDir = v.data_dir;
  }
  for (const [key, field] of [['force', 'force'], ['simulate_daq', 'simulateDaq']] as const) {
    if (v[key] === undefined) continue;
    if (typeof v[key] !== 'boolean') throw problem(path, key, `must be true or false, got ${JSON.stringify(v[key])}`);
    cfg[field] = v[key];
  }
  if (v.module_ids !== undefined) {
    const ids = v.module_ids;
    if (!Array.isArray(ids)) throw problem(path, 'module_ids', `must be a list of module ids, got ${JSON.stringify(ids)}`);
    ids.forEach((id, i) => {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw problem(path, `module_ids[${i}]`, `must be a non-negative integer, got ${JSON.stringify(id)}`);
    });
    cfg.moduleIds = ids as number[];
  }
  return cfg;
}

export async function readHpIoConfig(path: string): Promise<HpIoConfig> {
  const abs = resolve(path);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw problem(abs, '(file)', code === 'ENOENT' ? 'file does not exist' : `cannot be read (${code ?? String(e)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw problem(abs, '(file)', `is not valid JSON (${(e as Error).message})`);
  }
  return hpIoConfigFrom(value, abs);
}
