// The known answers of an injected-coincidence run: one JSON line per pulse, written beside the
// run (DATA_DIR/<run dir>.coincidences.truth.jsonl) once every frame of the pulse has been
// handed to the run writer, so a simulation stopped at any point lists exactly the pulses
// whose frames it wrote. Nanosecond times are decimal strings (JSON numbers cannot hold them).
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TimedFrame } from '../schedule/timed-frame.js';
import type { CoincidentPulse } from './coincident-pulses.js';

export const TRUTH_FILE_SUFFIX = '.coincidences.truth.jsonl';

/** A frame of the synthetic timeline; the one that completes a pulse (its last frame written) carries it. */
export interface SyntheticTimedFrame extends TimedFrame {
  completesPulse?: CoincidentPulse;
}

export function truthFilePath(dataDir: string, runDirName: string): string {
  return join(dataDir, `${runDirName}${TRUTH_FILE_SUFFIX}`);
}

export function truthLine(p: CoincidentPulse): string {
  return JSON.stringify({ id: p.id, timeNs: String(p.timeNs), members: p.members.map((m) => ({ moduleId: m.moduleId, quabo: m.quabo, timeNs: String(m.timeNs) })) });
}

/** One truth line back; throws naming the line and field when it is not one. */
export function parseTruthLine(line: string, where = 'truth line'): CoincidentPulse {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new Error(`${where}: not JSON (${(e as Error).message})`);
  }
  const o = v as { id?: unknown; timeNs?: unknown; members?: unknown };
  const ns = (x: unknown, field: string): bigint => {
    if (typeof x !== 'string' || !/^\d{1,20}$/.test(x)) throw new Error(`${where}: ${field} is not a decimal nanosecond string`);
    return BigInt(x);
  };
  if (typeof o.id !== 'string') throw new Error(`${where}: id is not a string`);
  if (!Array.isArray(o.members)) throw new Error(`${where}: members is not a list`);
  return {
    id: o.id,
    timeNs: ns(o.timeNs, 'timeNs'),
    members: o.members.map((m: { moduleId?: unknown; quabo?: unknown; timeNs?: unknown }, i) => {
      if (!Number.isInteger(m.moduleId) || !Number.isInteger(m.quabo)) throw new Error(`${where}: members[${i}] needs integer moduleId and quabo`);
      return { moduleId: m.moduleId as number, quabo: m.quabo as number, timeNs: ns(m.timeNs, `members[${i}].timeNs`) };
    }),
  };
}

export async function readTruthFile(path: string): Promise<CoincidentPulse[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => parseTruthLine(l, `${path} line ${i + 1}`));
}

/** Appends a truth line for each frame that completes a pulse. The file exists from the start: empty means no pulse yet. */
export class CoincidenceTruthLog {
  pulses = 0;

  private constructor(readonly path: string, private readonly file: FileHandle) {}

  static async create(path: string): Promise<CoincidenceTruthLog> {
    await mkdir(dirname(path), { recursive: true });
    return new CoincidenceTruthLog(path, await open(path, 'a'));
  }

  async record(frame: TimedFrame): Promise<void> {
    const pulse = (frame as SyntheticTimedFrame).completesPulse;
    if (!pulse) return;
    await this.file.appendFile(`${truthLine(pulse)}\n`);
    this.pulses++;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
