// File and directory names of a recording (REFERENCE section 1). Names are dot-separated
// `key_value` fields; the recorder's time spelling varies (`04:34:46` or `04_34_46` / `04-34-46`),
// and some files carry extra fields (e.g. `debug_TRUNCATED`), so parsing is tolerant and
// keeps what it does not know in `extra`.
import { baseName } from '../path/base-name.js';
import { dataProductInfo, type DataProduct } from './data-product.js';
import { PffError } from './errors.js';

export interface DataFileName {
  fileName: string;
  /** Normalised ISO-8601, 'YYYY-MM-DDTHH:MM:SSZ'. */
  start: string;
  dataProduct: DataProduct;
  bytesPerPixel: number;
  moduleId: number;
  seqno: number;
  /** Fields other than start, dp, bpp, module, seqno, in file order. */
  extra: Record<string, string>;
}

export type FileClass = { kind: 'frames'; name: DataFileName } | { kind: 'not-frames'; reason: string };

export interface RunDirName {
  dirName: string;
  obs: string;
  /** Normalised ISO-8601, 'YYYY-MM-DDTHH:MM:SSZ'. */
  start: string;
  runtype: string;
  extra: Record<string, string>;
}

const DATA_FILE_KEYS = ['start', 'dp', 'bpp', 'module', 'seqno'] as const;
const RUN_DIR_KEYS = ['obs', 'start', 'runtype'] as const;
const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})[:_-](\d{2})[:_-](\d{2})Z?$/;
const UNSIGNED = /^\d+$/;

/** 'YYYY-MM-DDTHH:MM:SSZ' from either recorder spelling or a Date, or undefined if not a valid time. */
export function normaliseStartTime(value: string | Date): string | undefined {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? undefined : `${value.toISOString().slice(0, 19)}Z`;
  }
  const m = TIME.exec(value);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
  const date = new Date(iso);
  // Reject impossible dates such as 2024-02-31, which Date would roll over silently.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === iso.slice(0, 19) ? iso : undefined;
}

/** Splits `a_1.b_x_y.c_2` into ordered key/value pairs (value after the first '_'), or a reason it cannot. */
function splitFields(stem: string): Array<[string, string]> | string {
  const fields: Array<[string, string]> = [];
  for (const part of stem.split('.')) {
    const cut = part.indexOf('_');
    if (cut <= 0) return `field "${part}" is not key_value`;
    fields.push([part.slice(0, cut), part.slice(cut + 1)]);
  }
  return fields;
}

function badName(fileName: string, detail: string): PffError {
  return new PffError('bad-file-name', fileName, 0, `bad file name: ${detail}`);
}

/** Parses a data file name such as `start_2024-07-25T04_34_46Z.dp_img16.bpp_2.module_1.seqno_0.pff`. */
export function parseDataFileName(fileName: string): DataFileName {
  const name = baseName(fileName);
  if (!name.endsWith('.pff')) throw badName(name, 'does not end in .pff');
  const fields = splitFields(name.slice(0, -'.pff'.length));
  if (typeof fields === 'string') throw badName(name, fields);
  const known = new Map<string, string>();
  const extra: Record<string, string> = {};
  for (const [key, value] of fields) {
    if ((DATA_FILE_KEYS as readonly string[]).includes(key)) {
      if (known.has(key)) throw badName(name, `field "${key}" appears twice`);
      known.set(key, value);
    } else {
      extra[key] = value;
    }
  }
  const missing = DATA_FILE_KEYS.filter((k) => !known.has(k));
  if (missing.length > 0) throw badName(name, `missing field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const start = normaliseStartTime(known.get('start')!);
  if (!start) throw badName(name, `start "${known.get('start')}" is not a time like 2024-07-25T04:34:46Z`);
  const dpName = known.get('dp')!;
  const dp = dataProductInfo(dpName);
  if (!dp) {
    throw new PffError('unknown-data-product', name, 0, `unknown data product "${dpName}" (known: img16, img8, ph1024, ph256)`);
  }
  const integer = (key: 'bpp' | 'module' | 'seqno'): number => {
    const value = known.get(key)!;
    if (!UNSIGNED.test(value)) throw badName(name, `${key} "${value}" is not a non-negative integer`);
    return Number(value);
  };
  const bytesPerPixel = integer('bpp');
  if (bytesPerPixel !== dp.bytesPerPixel) {
    throw badName(name, `bpp ${bytesPerPixel} does not match data product ${dp.name} (${dp.bytesPerPixel} bytes per pixel)`);
  }
  return { fileName: name, start, dataProduct: dp.name, bytesPerPixel, moduleId: integer('module'), seqno: integer('seqno'), extra };
}

/** Whether a file in a run directory holds frames, and if not, why. Never throws. */
export function classifyFile(fileName: string): FileClass {
  const name = baseName(fileName);
  if (name === 'hk.pff') return { kind: 'not-frames', reason: 'housekeeping data (hk.pff holds JSON lines, not frames)' };
  if (name.endsWith('.json')) return { kind: 'not-frames', reason: 'JSON file (configuration or metadata), not frames' };
  if (!name.endsWith('.pff')) return { kind: 'not-frames', reason: 'not a .pff file (marker or other auxiliary file)' };
  try {
    return { kind: 'frames', name: parseDataFileName(name) };
  } catch (e) {
    if (e instanceof PffError) return { kind: 'not-frames', reason: e.detail };
    throw e;
  }
}

/** The recorder's spelling: `start_2024-07-25T04:34:46Z.dp_img16.bpp_2.module_1.seqno_0.pff`. */
export function formatDataFileName(f: {
  start: Date | string;
  dataProduct: DataProduct;
  bytesPerPixel?: number;
  moduleId: number;
  seqno: number;
  extra?: Record<string, string>;
}): string {
  const dp = dataProductInfo(f.dataProduct);
  if (!dp) throw new RangeError(`unknown data product "${f.dataProduct}"`);
  const start = normaliseStartTime(f.start);
  if (!start) throw new RangeError(`start ${String(f.start)} is not a valid time`);
  const fields = [
    `start_${start}`,
    `dp_${dp.name}`,
    `bpp_${f.bytesPerPixel ?? dp.bytesPerPixel}`,
    `module_${f.moduleId}`,
    `seqno_${f.seqno}`,
    ...Object.entries(f.extra ?? {}).map(([k, v]) => `${k}_${v}`),
  ];
  return `${fields.join('.')}.pff`;
}

/** Parses `obs_Lick.start_2024-07-25T04:34:06Z.runtype_sci-data.pffd`; undefined if it is not a run directory. */
export function parseRunDirName(name: string): RunDirName | undefined {
  const dirName = baseName(name);
  if (!dirName.endsWith('.pffd')) return undefined;
  const fields = splitFields(dirName.slice(0, -'.pffd'.length));
  if (typeof fields === 'string') return undefined;
  const known = new Map<string, string>();
  const extra: Record<string, string> = {};
  for (const [key, value] of fields) {
    if ((RUN_DIR_KEYS as readonly string[]).includes(key) && !known.has(key)) known.set(key, value);
    else extra[key] = value;
  }
  const obs = known.get('obs');
  const runtype = known.get('runtype');
  const start = normaliseStartTime(known.get('start') ?? '');
  if (!obs || !runtype || !start) return undefined;
  return { dirName, obs, start, runtype, extra };
}

export function formatRunDirName(r: { obs: string; start: Date | string; runtype: string }): string {
  const start = normaliseStartTime(r.start);
  if (!start) throw new RangeError(`start ${String(r.start)} is not a valid time`);
  return `obs_${r.obs}.start_${start}.runtype_${r.runtype}.pffd`;
}

/** 'module_12' -> 12; undefined for anything else. */
export function parseModuleDirName(name: string): number | undefined {
  const m = /^module_(\d+)$/.exec(baseName(name));
  return m ? Number(m[1]) : undefined;
}
