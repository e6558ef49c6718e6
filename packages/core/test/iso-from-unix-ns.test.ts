import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoFromUnixNs } from '../src/time/white-rabbit.js';

const NS_PER_S = 1_000_000_000n;

/** isoFromUnixNs as it was before the per-second prefix cache: the text it must keep giving. */
function isoReference(ns: bigint): string {
  let sec = ns / NS_PER_S;
  let frac = ns % NS_PER_S;
  if (frac < 0n) {
    frac += NS_PER_S;
    sec -= 1n;
  }
  const base = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  return `${base}.${frac.toString().padStart(9, '0')}Z`;
}

/** The result or the error's type and message, for comparing both ways a call can end. */
function outcome(f: (ns: bigint) => string, ns: bigint): { text: string } | { error: string } {
  try {
    return { text: f(ns) };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** A Date holds +-8.64e15 ms: the seconds the function accepts, and a margin of refused ones each side. */
const LIMIT_S = 8_640_000_000_000n;
const nsArb = fc.oneof(
  fc.bigInt({ min: -(LIMIT_S + 10n) * NS_PER_S, max: (LIMIT_S + 10n) * NS_PER_S }),
  // Around today, the edges of the range, the epoch and year 10000 (where toISOString changes form).
  ...[0n, 1_754_112_728n, LIMIT_S, -LIMIT_S, 253_402_300_800n, -62_198_755_200n].map((s) =>
    fc.bigInt({ min: (s - 3n) * NS_PER_S, max: (s + 3n) * NS_PER_S }),
  ),
);

describe('isoFromUnixNs', () => {
  it('gives the same text (or error) as the reference for any nanosecond time, in any order of calls', () => {
    // Sequences, so that the kept prefix is both reused (same second) and replaced (another one, or a refused one).
    fc.assert(
      fc.property(fc.array(nsArb, { minLength: 1, maxLength: 20 }), (times) => {
        for (const ns of times) expect(outcome(isoFromUnixNs, ns)).toEqual(outcome(isoReference, ns));
      }),
      { numRuns: 2000 },
    );
  });

  it('many frames in one second, then the next second, then back', () => {
    const s = 1_754_112_728n * NS_PER_S;
    for (const ns of [s, s + 1n, s + 999_999_999n, s + NS_PER_S, s + 5n, s - 1n, -1n, 0n]) expect(isoFromUnixNs(ns)).toBe(isoReference(ns));
    expect(isoFromUnixNs(s + 985_339_000n)).toBe('2025-08-02T05:32:08.985339000Z');
    expect(isoFromUnixNs(-1n)).toBe('1969-12-31T23:59:59.999999999Z');
  });
});
