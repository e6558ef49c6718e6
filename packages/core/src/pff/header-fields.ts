// Checks a decoded header object against its data product's layout (REFERENCE section 3):
// flat (ph256: quabo_num + packet fields) or one entry per quabo (quabo_0..quabo_3). Used for
// frames read from files and for headers arriving in PanoImages, so both get the same rules.
import type { DataProductInfo } from './data-product.js';
import type { FrameHeader } from './header.js';

export const PACKET_FIELDS = ['pkt_num', 'pkt_tai', 'pkt_nsec', 'tv_sec', 'tv_usec'] as const;
export const QUABO_KEYS = ['quabo_0', 'quabo_1', 'quabo_2', 'quabo_3'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function packetProblem(obj: Record<string, unknown>, prefix: string): string | undefined {
  for (const field of PACKET_FIELDS) {
    const v = obj[field];
    if (v === undefined) return `${prefix}${field} is missing`;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      return `${prefix}${field} is ${JSON.stringify(v)}, expected a non-negative integer`;
    }
  }
  return undefined;
}

/**
 * The value as a FrameHeader of this data product, or the reason it is not one. The object
 * itself is returned (extra keys kept), so nothing the recorder wrote is lost.
 */
export function checkHeaderFields(value: unknown, dp: DataProductInfo): { header: FrameHeader } | { problem: string } {
  if (!isRecord(value)) return { problem: 'header is not a JSON object' };
  if (dp.headerLayout === 'flat') {
    const q = value.quabo_num;
    if (q === undefined) {
      return { problem: `${dp.name} header must be flat with quabo_num${isRecord(value.quabo_0) ? ' (found per-quabo entries: is the data product right?)' : ''}` };
    }
    if (typeof q !== 'number' || !Number.isInteger(q) || q < 0 || q > 3) {
      return { problem: `quabo_num is ${JSON.stringify(q)}, expected 0-3` };
    }
    const problem = packetProblem(value, '');
    return problem ? { problem } : { header: value as unknown as FrameHeader };
  }
  for (const key of QUABO_KEYS) {
    const entry = value[key];
    if (!isRecord(entry)) {
      return { problem: `${dp.name} header needs ${key} as an object${value.quabo_num !== undefined ? ' (found a flat header: is the data product right?)' : ''}` };
    }
    const problem = packetProblem(entry, `${key}.`);
    if (problem) return { problem };
  }
  return { header: value as unknown as FrameHeader };
}
