// hp_io_config*.json, the reference's InitHpIo file (REFERENCE section 6): read by `daq init`
// and by the node itself when the reference's server config says init_from_default. One
// schema for both, so the file means the same wherever it is read.
import { readFile } from 'node:fs/promises';
import type { InitHpIoRequest } from '@daqdata/core';
import { z } from 'zod';
import { DAY_SECONDS, flag, moduleId, positiveNumberUpTo, settingsObject } from './schema-rules.js';
import { MAX_MODULE_IDS } from '../service/request-bounds.js';

/** A message naming what the value must be and what it was ("is missing" when absent). */
const must = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is missing' : `${what}, got ${JSON.stringify(issue.input)}`);

const FILE_SHAPE = {
  /** May be empty when simulate_daq is true (the reference's simulate files leave it so). */
  data_dir: z.string({ error: must('must be a string') }).optional(),
  update_interval_seconds: z.number({ error: must('must be a positive number') }).gt(0, { error: must('must be a positive number') }).lte(DAY_SECONDS, { error: must(`must be a positive number, at most ${DAY_SECONDS}`) }),
  force: z.boolean({ error: must('must be true or false') }).optional(),
  simulate_daq: z.boolean({ error: must('must be true or false') }).optional(),
  module_ids: z
    .array(z.number({ error: must('must be a non-negative integer') }).int({ error: must('must be a non-negative integer') }).gte(0, { error: must('must be a non-negative integer') }).lte(65535, { error: must('must be a module id 0-65535') }), {
      error: must('must be a list of module ids'),
    })
    .max(MAX_MODULE_IDS, { error: `must list at most ${MAX_MODULE_IDS} modules` })
    .optional(),
  /** The reference's files carry a free-text note for people; it means nothing to the node. */
  comments: z.unknown().optional(),
};
export const HP_IO_FILE_KEYS = Object.keys(FILE_SHAPE);

const HP_IO_FILE_SCHEMA = z.strictObject(FILE_SHAPE, {
  error: (issue) => (issue.code === 'unrecognized_keys' ? `is not a known key (known: ${HP_IO_FILE_KEYS.join(', ')})` : 'is not a JSON object'),
});

/** What the file asks for; keys it leaves out are undefined (the caller picks their defaults). */
export interface HpIoFileSettings {
  dataDir?: string;
  updateIntervalSeconds: number;
  force?: boolean;
  simulateDaq?: boolean;
  moduleIds?: number[];
}

export class HpIoConfigError extends Error {
  override readonly name = 'HpIoConfigError';
  constructor(
    readonly path: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(`${path}: ${key}: ${reason}`);
  }
}

/** Validates parsed JSON as an hp_io config; `path` is only used in messages. */
export function hpIoSettingsFrom(value: unknown, path: string): HpIoFileSettings {
  const parsed = HP_IO_FILE_SCHEMA.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const key = at.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(file)';
    throw new HpIoConfigError(path, key, issue.message);
  }
  const v = parsed.data;
  if (v.data_dir !== undefined && v.data_dir.trim() === '' && !v.simulate_daq) {
    throw new HpIoConfigError(path, 'data_dir', `must be a non-empty string unless simulate_daq is true, got ${JSON.stringify(v.data_dir)}`);
  }
  const settings: HpIoFileSettings = { updateIntervalSeconds: v.update_interval_seconds };
  if (v.data_dir !== undefined && v.data_dir.trim() !== '') settings.dataDir = v.data_dir;
  if (v.force !== undefined) settings.force = v.force;
  if (v.simulate_daq !== undefined) settings.simulateDaq = v.simulate_daq;
  if (v.module_ids !== undefined) settings.moduleIds = v.module_ids;
  return settings;
}

/** Reads and validates the hp_io config at `path` (absolute, or relative to the working directory). */
export async function readHpIoConfigFile(path: string): Promise<HpIoFileSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HpIoConfigError(path, '(file)', code === 'ENOENT' ? 'file does not exist' : `cannot be read (${code ?? String(e)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HpIoConfigError(path, '(file)', `is not valid JSON (${(e as Error).message})`);
  }
  return hpIoSettingsFrom(value, path);
}

/** The node's `initialHpIo` setting: an InitHpIo request sent at start-up, in our config's spelling. */
export const INITIAL_HP_IO_SCHEMA = settingsObject(
  {
    dataDir: z.string({ error: 'must be a string' }).default(''),
    updateIntervalSeconds: positiveNumberUpTo(DAY_SECONDS),
    force: flag().default(false),
    simulateDaq: flag().default(false),
    moduleIds: z.array(moduleId(), { error: 'must be a list of module ids 0-65535' }).max(MAX_MODULE_IDS, { error: `must list at most ${MAX_MODULE_IDS} modules` }).default([]),
  },
  'or null',
).refine((r) => r.simulateDaq || r.dataDir.trim() !== '', { error: '.dataDir must be given unless simulateDaq is true' });

/** The InitHpIo request an hp_io file asks for. */
export function initHpIoRequestFrom(s: HpIoFileSettings): InitHpIoRequest {
  return { dataDir: s.dataDir ?? '', updateIntervalSeconds: s.updateIntervalSeconds, force: s.force ?? false, simulateDaq: s.simulateDaq ?? false, moduleIds: s.moduleIds ?? [] };
}
