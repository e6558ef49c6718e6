// hp_io_config.json, the file `daq init` sends as InitHpIo: the reference's files unchanged
// (data_dir, update_interval_seconds, force, simulate_daq, module_ids, comments), read with the
// server's schema (the node reads the same files for init_from_default). Every problem names
// the file, the key and the reason.
import { resolve } from 'node:path';
import type { HpIoConfig } from '@daqdata/client';
import { HpIoConfigError, hpIoSettingsFrom, readHpIoConfigFile } from '@daqdata/server';
import { CliError, EXIT } from './exit-codes.js';

function asCliError(e: unknown): unknown {
  return e instanceof HpIoConfigError ? new CliError(e.message, EXIT.config) : e;
}

/** Validates parsed JSON as an hp_io config; `path` is only used in messages. */
export function hpIoConfigFrom(value: unknown, path: string): HpIoConfig {
  try {
    return hpIoSettingsFrom(value, path);
  } catch (e) {
    throw asCliError(e);
  }
}

export async function readHpIoConfig(path: string): Promise<HpIoConfig> {
  return readHpIoConfigFile(resolve(path)).catch((e: unknown) => {
    throw asCliError(e);
  });
}
