// Whether a frame's header is well formed, decided without parsing it: every header of a file
// is the first one with other numbers printed in the same fixed-width fields (frame-layout.ts),
// so once the first header has been parsed and checked, a later header is sure to pass the same
// checks when it has the first one's bytes everywhere but in its number fields, and each of
// those holds a plain non-negative integer (right-aligned in spaces) within the bounds the
// checks set. That is a byte comparison and a digit loop, where JSON.parse, a UTF-8 decode and
// the field checks cost a node several times more per frame (a node checks every frame it
// reads for an every-frame client, and needs the parsed header only for the few it encodes).
// The check only ever says "sure": anything else (a minus sign, a leading zero, 16 digits, a
// quabo_num above 3, a first header with strings, fractions or arrays in it) is left to the full
// parse, so the answers are exactly the full parse's.
import type { DataProductInfo } from './data-product.js';

/** What every header of a file must look like, compiled from its first header. */
export interface HeaderChecker {
  /** Positions (ascending) whose byte every header has: punctuation, keys, line breaks. */
  readonly fixedPositions: Uint32Array;
  readonly fixedValues: Uint8Array;
  /** Runs of positions [start, end) that hold spaces and at most one number. */
  readonly slotStarts: Uint32Array;
  readonly slotEnds: Uint32Array;
  /** Per run: -1 when it holds only spaces in the first header, else the largest value its number may have. */
  readonly slotMax: Float64Array;
}

const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** Digits a number may have and be sure to be a safe integer (2^53 has 16). */
const MAX_DIGITS = 15;
/** Bytes that are JSON punctuation or whitespace other than a space: the same in every header. */
const STRUCTURE = new Set([0x7b, 0x7d, 0x3a, 0x2c, 0x0a, 0x0d, 0x09]); // { } : , \n \r \t

const isDigit = (b: number): boolean => b >= DIGIT_0 && b <= DIGIT_9;
/** The one key whose number has a bound of its own (flat headers: 0-3). */
const QUABO_NUM = 'quabo_num';

/**
 * The checker for a file whose first header (its bytes, through the closing "\n\n") was parsed
 * and passed checkHeaderFields for `dp`; null when that header holds something other than
 * objects, plain keys and non-negative integers (then every header is parsed).
 */
export function compileHeaderChecker(header: Uint8Array, dp: DataProductInfo): HeaderChecker | null {
  const fixed: number[] = [];
  /** Per position: free (a space or part of a number), and the number's bound where one starts. */
  const free = new Uint8Array(header.length);
  const numberMax = new Float64Array(header.length).fill(-1);
  let depth = 0;
  let key: string | null = null;
  for (let i = 0; i < header.length; ) {
    const b = header[i]!;
    if (b === QUOTE) {
      const close = header.indexOf(QUOTE, i + 1);
      if (close < 0) return null;
      for (let j = i; j <= close; j++) {
        if (header[j] === BACKSLASH) return null; // escapes: left to the parse
        fixed.push(j);
      }
      // Only a key's name matters (quabo_num), and only a short one can be it: a long string is
      // never spread into arguments (a hostile run's first header may hold one of 60 KB).
      key = close - i - 1 <= QUABO_NUM.length ? String.fromCharCode(...header.subarray(i + 1, close)) : null;
      i = close + 1;
    } else if (isDigit(b)) {
      let j = i;
      while (j < header.length && isDigit(header[j]!)) j++;
      if (j - i > MAX_DIGITS) return null;
      // A fraction or exponent follows: not a plain integer.
      if (j < header.length && !STRUCTURE.has(header[j]!) && header[j] !== SPACE) return null;
      free.fill(1, i, j);
      numberMax[i] = dp.headerLayout === 'flat' && depth === 1 && key === QUABO_NUM ? 3 : Number.MAX_SAFE_INTEGER;
      i = j;
    } else if (b === SPACE) {
      free[i] = 1;
      i++;
    } else if (STRUCTURE.has(b)) {
      if (b === 0x7b) depth++;
      else if (b === 0x7d) depth--;
      fixed.push(i);
      i++;
    } else {
      return null; // '-', arrays, true/false/null, anything else: left to the parse
    }
  }
  const starts: number[] = [];
  const ends: number[] = [];
  const maxima: number[] = [];
  for (let i = 0; i < header.length; ) {
    if (!free[i]) {
      i++;
      continue;
    }
    let j = i;
    let max = -1;
    while (j < header.length && free[j]) {
      if (numberMax[j]! >= 0) max = numberMax[j]!;
      j++;
    }
    starts.push(i);
    ends.push(j);
    maxima.push(max);
    i = j;
  }
  return {
    fixedPositions: Uint32Array.from(fixed),
    fixedValues: Uint8Array.from(fixed, (p) => header[p]!),
    slotStarts: Uint32Array.from(starts),
    slotEnds: Uint32Array.from(ends),
    slotMax: Float64Array.from(maxima),
  };
}

/**
 * Whether the header at `at` is sure to be well formed: the first header's bytes at every fixed
 * position, and in each run either only spaces (where the first header had only spaces) or
 * spaces, one integer without a leading zero within its bound, spaces. False means "not sure".
 */
export function headerWellFormed(bytes: Uint8Array, at: number, c: HeaderChecker): boolean {
  const { fixedPositions, fixedValues, slotStarts, slotEnds, slotMax } = c;
  for (let i = 0; i < fixedPositions.length; i++) {
    if (bytes[at + fixedPositions[i]!] !== fixedValues[i]) return false;
  }
  for (let s = 0; s < slotStarts.length; s++) {
    let p = at + slotStarts[s]!;
    const end = at + slotEnds[s]!;
    while (p < end && bytes[p] === SPACE) p++;
    const max = slotMax[s]!;
    if (max < 0) {
      if (p !== end) return false;
      continue;
    }
    const first = p;
    let value = 0;
    while (p < end && isDigit(bytes[p]!)) value = value * 10 + (bytes[p++]! - DIGIT_0);
    const digits = p - first;
    if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && bytes[first] === DIGIT_0) || value > max) return false;
    while (p < end && bytes[p] === SPACE) p++;
    if (p !== end) return false;
  }
  return true;
}
