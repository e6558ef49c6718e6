// frameWellFormed decides without parsing: when it says a frame is well formed, checkFrame
// accepts it (whatever bytes a frame holds: fast-check over mutated frames), and it says so for
// every frame a recorder writes (else the node would parse them all again).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, PffError, checkFrame, encodeFrame, frameLayoutFor, frameWellFormed, type DataProductInfo, type FrameLayout } from '../src/index.js';
import { frameArb, headerArb } from './arbitraries.js';
import { readPffFile } from '../src/node.js';
import { REAL_PH256_PATH } from './fixture-paths.js';

const ctx = { file: 'f.pff', offset: 0 };
const utf8 = new TextEncoder();

function layoutOf(dp: DataProductInfo, frame: Uint8Array): FrameLayout {
  const headerLength = frame.indexOf(0x2a); // '*': a recorder's header has none
  return frameLayoutFor(dp, frame.subarray(0, headerLength));
}

function accepted(frame: Uint8Array, layout: FrameLayout): boolean {
  try {
    checkFrame(frame, layout, ctx);
    return true;
  } catch (err) {
    if (!(err instanceof PffError)) throw err;
    return false;
  }
}

/** A frame with the header text `header` (any bytes, "\n\n" added) and zero pixels. */
function frameWithHeader(dp: DataProductInfo, header: string): Uint8Array {
  const text = utf8.encode(`${header}\n\n`);
  const out = new Uint8Array(text.length + 1 + dp.rows * dp.cols * dp.bytesPerPixel);
  out.set(text, 0);
  out[text.length] = 0x2a;
  return out;
}

/** Bytes that make or break a number field, and any byte. */
const byteArb = fc.oneof(fc.constantFrom(0x20, 0x2d, 0x30, 0x31, 0x33, 0x34, 0x39, 0x22, 0x2c, 0x2e, 0x65, 0x7d, 0x0a), fc.integer({ min: 0, max: 255 }));

describe('frameWellFormed', () => {
  for (const dp of Object.values(DATA_PRODUCTS)) {
    it(`${dp.name}: every frame a recorder writes is well formed by the first frame's layout, and checkFrame agrees`, () => {
      fc.assert(
        fc.property(frameArb(dp), frameArb(dp), (first, later) => {
          const layout = layoutOf(dp, encodeFrame(first.header, first.pixels, dp));
          const frame = encodeFrame(later.header, later.pixels, dp);
          expect(layout.headerChecker).not.toBeNull();
          expect(frameWellFormed(frame, layout)).toBe(true);
          expect(accepted(frame, layout)).toBe(true);
        }),
        { numRuns: 100 },
      );
    });

    it(`${dp.name}: a frame with any bytes changed is well formed only if checkFrame accepts it`, () => {
      let sure = 0;
      let unsure = 0;
      fc.assert(
        fc.property(
          headerArb(dp),
          frameArb(dp),
          fc.array(fc.tuple(fc.nat(), byteArb), { minLength: 1, maxLength: 4 }),
          fc.boolean(),
          (firstHeader, later, changes, inHeader) => {
            const layout = layoutOf(dp, encodeFrame(firstHeader, later.pixels, dp));
            const frame = encodeFrame(later.header, later.pixels, dp);
            // Mostly header bytes (where the decision is made); sometimes anywhere.
            const span = inHeader ? layout.headerLength + 1 : frame.length;
            for (const [at, byte] of changes) frame[at % span] = byte;
            if (frameWellFormed(frame, layout)) {
              sure++;
              expect(accepted(frame, layout)).toBe(true);
            } else unsure++;
          },
        ),
        { numRuns: 600 },
      );
      // The property says something both ways: some changed frames are still sure (a digit for a
      // digit), others are left to checkFrame.
      expect(sure).toBeGreaterThan(0);
      expect(unsure).toBeGreaterThan(0);
    });
  }

  const ph256 = DATA_PRODUCTS.ph256;
  const first = '{ "quabo_num": 1, "pkt_num":       5124, "pkt_tai":  229, "pkt_nsec": 999999999, "tv_sec": 1754112728, "tv_usec": 985339}';
  const layout = layoutOf(ph256, frameWithHeader(ph256, first));
  const cases: Array<[string, string]> = [
    ['quabo_num above 3', first.replace('"quabo_num": 1', '"quabo_num": 4')],
    ['a negative number', first.replace('"pkt_num":       5124', '"pkt_num":      -5124')],
    ['a leading zero', first.replace('"pkt_num":       5124', '"pkt_num":      05124')],
    ['a space inside a number', first.replace('"pkt_num":       5124', '"pkt_num":      51 24')],
    ['no number', first.replace('"pkt_num":       5124', '"pkt_num":           ')],
    ['a digit where the first header had a space only', first.replace('{ "quabo_num"', '{1"quabo_num"')],
  ];
  for (const [what, header] of cases) {
    it(`ph256: ${what} is left to checkFrame, which refuses it`, () => {
      const frame = frameWithHeader(ph256, header);
      expect(frame.length).toBe(layout.frameSize);
      expect(frameWellFormed(frame, layout)).toBe(false);
      expect(accepted(frame, layout)).toBe(false);
    });
  }

  it('ph256: 16 digits are left to checkFrame (it decides whether the number is safe)', () => {
    const wide = '{ "quabo_num": 1, "pkt_num": 1234567890123456, "pkt_tai":  229, "pkt_nsec": 999999999, "tv_sec": 1754112728, "tv_usec": 985339}';
    const l = layoutOf(ph256, frameWithHeader(ph256, wide));
    expect(l.headerChecker).toBeNull();
    expect(frameWellFormed(frameWithHeader(ph256, wide), l)).toBe(false);
  });

  it("img16: a key's digit is part of the key, not a number field (quabo_7 is not quabo_0)", () => {
    const img16 = DATA_PRODUCTS.img16;
    const frame = encodeFrame(fc.sample(headerArb(img16), 1)[0]!, new Array(img16.rows * img16.cols).fill(0), img16);
    const l = layoutOf(img16, frame);
    const renamed = frame.slice();
    const at = new TextDecoder().decode(renamed).indexOf('quabo_0') + 6;
    renamed[at] = 0x37; // '7'
    expect(frameWellFormed(renamed, l)).toBe(false);
    expect(accepted(renamed, l)).toBe(false);
  });

  it('a first header with a fraction, a string of digits, a minus sign or an array gets no checker: every header is parsed', () => {
    const odd = ['"x": 1.5', '"x": -1', '"x": [1]', '"x": true'];
    for (const extra of odd) {
      const header = first.replace('{ "quabo_num"', `{ ${extra}, "quabo_num"`);
      const l = layoutOf(ph256, frameWithHeader(ph256, header));
      expect(accepted(frameWithHeader(ph256, header), l)).toBe(true);
      expect(l.headerChecker).toBeNull();
    }
    // A string value is the same in every header: checked as punctuation is.
    const named = first.replace('{ "quabo_num"', '{ "run": "obs 12", "quabo_num"');
    const l = layoutOf(ph256, frameWithHeader(ph256, named));
    expect(l.headerChecker).not.toBeNull();
    expect(frameWellFormed(frameWithHeader(ph256, named.replace('obs 12', 'obs 13')), l)).toBe(false);
  });

  it('a first header with a 60 KB key: its frames are checked without parsing all the same (the key compared byte for byte, quabo_num keeps its bound)', () => {
    const long = first.replace('{ "quabo_num"', `{ "${'k'.repeat(60_000)}": 1, "quabo_num"`);
    const l = layoutOf(ph256, frameWithHeader(ph256, long));
    expect(l.headerChecker).not.toBeNull();
    expect(frameWellFormed(frameWithHeader(ph256, long), l)).toBe(true);
    expect(frameWellFormed(frameWithHeader(ph256, long.replace('"quabo_num": 1', '"quabo_num": 7')), l)).toBe(false);
  });

  it('a layout made from a header that fails the checks (a hostile run) has no checker', () => {
    const bad = first.replace('"quabo_num": 1', '"quabo_num": 9');
    const l = layoutOf(ph256, frameWithHeader(ph256, bad));
    expect(l.headerChecker).toBeNull();
    expect(frameWellFormed(frameWithHeader(ph256, bad), l)).toBe(false);
  });

  it('every frame of the real recorded file is well formed by its first header', async () => {
    const { layout: real, frames } = await readPffFile(REAL_PH256_PATH);
    expect(real?.headerChecker).not.toBeNull();
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) expect(frameWellFormed(f.raw, real!)).toBe(true);
  });
});
