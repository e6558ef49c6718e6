// The recorder's fixed-width header text (REFERENCE section 3).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, checkHeaderFields, formatHeader, type QuaboHeader } from '../src/index.js';
import { headerArb } from './arbitraries.js';

const referencePacket = { pkt_num: 23855, pkt_tai: 906, pkt_nsec: 774507484, tv_sec: 1691048805, tv_usec: 778782 };
// REFERENCE section 3's quabo_0 line, copied verbatim: three spaces of indent, one space after
// '{', none before '}', and the same widths as the flat header.
const referenceLine = '"quabo_0": { "pkt_num":      23855, "pkt_tai":  906, "pkt_nsec": 774507484, "tv_sec": 1691048805, "tv_usec": 778782}';

describe('formatHeader', () => {
  it('writes the 32x32 header exactly as REFERENCE section 3 shows it', () => {
    const header: QuaboHeader = { quabo_0: referencePacket, quabo_1: referencePacket, quabo_2: referencePacket, quabo_3: referencePacket };
    const expected =
      '{\n' +
      `   ${referenceLine},\n` +
      `   ${referenceLine.replace('quabo_0', 'quabo_1')},\n` +
      `   ${referenceLine.replace('quabo_0', 'quabo_2')},\n` +
      `   ${referenceLine.replace('quabo_0', 'quabo_3')}\n` +
      '}\n\n';
    for (const dp of [DATA_PRODUCTS.img16, DATA_PRODUCTS.img8, DATA_PRODUCTS.ph1024]) {
      expect(formatHeader(header, dp)).toBe(expected);
    }
    // "{\n" + 4 lines of 3 + 116 characters + 3 ",\n" + "\n" + "}\n\n": every 32x32 frame header is 488 bytes.
    expect(referenceLine.length).toBe(116);
    expect(expected.length).toBe(2 + 4 * (3 + 116) + 3 * 2 + 1 + 3);
  });

  it('writes the flat ph256 header exactly as REFERENCE section 3 shows it', () => {
    const header = { quabo_num: 3, pkt_num: 5124, pkt_tai: 229, pkt_nsec: 999999999, tv_sec: 1754112728, tv_usec: 985339 };
    expect(formatHeader(header, DATA_PRODUCTS.ph256)).toBe(
      '{ "quabo_num": 3, "pkt_num":       5124, "pkt_tai":  229, "pkt_nsec": 999999999, "tv_sec": 1754112728, "tv_usec": 985339}\n\n',
    );
  });

  for (const dp of Object.values(DATA_PRODUCTS)) {
    it(`${dp.name}: any in-range header parses back and has the same length`, () => {
      const length = formatHeader(fc.sample(headerArb(dp), { numRuns: 1, seed: 1 })[0]!, dp).length;
      fc.assert(
        fc.property(headerArb(dp), (header) => {
          const text = formatHeader(header, dp);
          expect(text.length).toBe(length);
          expect(text.endsWith('}\n\n')).toBe(true);
          expect(text.slice(0, -2)).not.toContain('\n\n');
          const parsed: unknown = JSON.parse(text);
          expect(parsed).toEqual(header);
          expect(checkHeaderFields(parsed, dp)).toEqual({ header });
        }),
        { numRuns: 200 },
      );
    });
  }

  it('refuses values that would not fit their fixed-width field', () => {
    const ok = { quabo_num: 0, pkt_num: 1, pkt_tai: 2, pkt_nsec: 3, tv_sec: 4, tv_usec: 5 };
    expect(() => formatHeader({ ...ok, pkt_tai: 10000 }, DATA_PRODUCTS.ph256)).toThrow(/pkt_tai = 10000 does not fit the recorder's 4-character field/);
    expect(() => formatHeader({ ...ok, tv_usec: -1 }, DATA_PRODUCTS.ph256)).toThrow(/tv_usec = -1/);
    expect(() => formatHeader({ ...ok, quabo_num: 4 }, DATA_PRODUCTS.ph256)).toThrow(/quabo_num = 4/);
    expect(() => formatHeader(ok, DATA_PRODUCTS.img16)).toThrow(/one header entry per quabo/);
    const q = { quabo_0: ok, quabo_1: ok, quabo_2: { ...ok, pkt_nsec: 1e9 }, quabo_3: ok };
    expect(() => formatHeader(q, DATA_PRODUCTS.img16)).toThrow(/quabo_2\.pkt_nsec = 1000000000/);
    expect(() => formatHeader(q, DATA_PRODUCTS.ph256)).toThrow(/flat header/);
  });
});
