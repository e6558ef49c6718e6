// Malformed input: every error names the file, the byte offset and the reason; nothing crashes;
// a bad frame in the middle is skipped and the frames after it still come out.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, MAX_HEADER_BYTES, PffError, detectLayout, encodeFrame, parseFrame, readFrames, type FlatHeader, type FrameLayout, type PffErrorReason } from '../src/index.js';
import { PffFile, readPffFile } from '../src/node.js';
import { concatBytes } from './arbitraries.js';

const ph256 = DATA_PRODUCTS.ph256;
const img16 = DATA_PRODUCTS.img16;
const NAME = 'start_2025-08-02T05:31:36Z.dp_ph256.bpp_2.module_1.seqno_0.pff';
const header = (i: number): FlatHeader => ({ quabo_num: i % 4, pkt_num: i, pkt_tai: 100, pkt_nsec: 5000 + i, tv_sec: 1754112728, tv_usec: i });
const frameOf = (i: number) => encodeFrame(header(i), Array.from({ length: 256 }, (_, k) => k - 128 + i), ph256);
const FRAME = frameOf(0).length; // 636
const HEADER = 123;

function layoutOf(bytes: Uint8Array, dp = ph256): FrameLayout {
  const layout = detectLayout(bytes, dp, NAME);
  if (layout === 'need-more') throw new Error('expected a layout');
  return layout;
}

function thrown(f: () => unknown): PffError {
  try {
    f();
  } catch (e) {
    if (e instanceof PffError) return e;
    throw e;
  }
  throw new Error('expected a PffError');
}

function expectError(e: PffError, reason: PffErrorReason, offset: number, message: RegExp): void {
  expect(e.reason).toBe(reason);
  expect(e.file).toBe(NAME);
  expect(e.offset).toBe(offset);
  expect(e.message).toMatch(new RegExp(`^${NAME.replaceAll('.', '\\.')} @ byte ${offset}: `));
  expect(e.message).toMatch(message);
}

/** Overwrites the first occurrence of `from` in the frame's header with `to` (same length). */
function replaceInHeader(frame: Uint8Array, from: string, to: string): void {
  const at = Buffer.from(frame.subarray(0, HEADER)).toString('latin1').indexOf(from);
  if (at < 0 || from.length !== to.length) throw new Error(`cannot replace ${from} with ${to}`);
  frame.set(new TextEncoder().encode(to), at);
}

/** Five good frames with frame 2 damaged by `damage`. */
function fileWithBadFrame(damage: (frame: Uint8Array) => void): Uint8Array {
  const frames = [0, 1, 2, 3, 4].map(frameOf);
  damage(frames[2]!);
  return concatBytes(frames);
}

describe('a malformed frame in the middle', () => {
  // [what, damage, frames that come out, reason, where the skipped run starts, its length, why]
  const cases: Array<[string, (f: Uint8Array) => void, number[], PffErrorReason, number, number, RegExp]> = [
    ['the byte after the header is not *', (f) => (f[HEADER] = 0x2b), [0, 1, 3, 4], 'bad-type-code', 2 * FRAME, FRAME, /expected '\*' after the header, found byte 0x2b/],
    ['the header is not JSON', (f) => replaceInHeader(f, '"pkt_tai":', '"pkt_tai",'), [0, 1, 3, 4], 'header-not-json', 2 * FRAME, FRAME, /header is not valid JSON/],
    ['a header field is missing', (f) => replaceInHeader(f, '"pkt_nsec"', '"pkt_nsex"'), [0, 1, 3, 4], 'bad-header-fields', 2 * FRAME, FRAME, /pkt_nsec is missing/],
    // No header starts where frame 2 should: frame 1 could be longer than the file's frame size, so it is not trusted either.
    ['the header does not start with {', (f) => (f[0] = 0x00), [0, 3, 4], 'frame-size-mismatch', FRAME, 2 * FRAME, /the next frame does not start at byte 1272: the frame is not 636 bytes \(header 123 \+ 1 \+ 512 pixel bytes of ph256\)/],
  ];
  for (const [what, damage, expected, reason, start, length, why] of cases) {
    it(`is skipped in one run (${reason}) named with file, offset and length when ${what}, and later frames still come out`, () => {
      const bytes = fileWithBadFrame(damage);
      const result = readFrames(bytes, 0, layoutOf(bytes), { file: NAME, final: true });
      expect(result.frames.map((f) => f.index)).toEqual(expected);
      expect(result.frames.map((f) => f.header)).toEqual(expected.map(header));
      expect(result.next).toBe(5 * FRAME);
      expect(result.errors).toHaveLength(1);
      expectError(result.errors[0]!, reason, start, new RegExp(`skipped ${length} bytes of garbage at byte ${start} \\(.*\\); re-synchronised at byte ${start + length}$`));
      expect(result.errors[0]!.message).toMatch(why);
    });
  }

  it('parseFrame throws the same typed error', () => {
    const frame = frameOf(0);
    frame[HEADER] = 0x21;
    expectError(thrown(() => parseFrame(frame, layoutOf(frameOf(0)), { file: NAME, offset: 6360 })), 'bad-type-code', 6360 + HEADER, /found byte 0x21/);
    expectError(thrown(() => parseFrame(frame.subarray(1), layoutOf(frameOf(0)), { file: NAME, offset: 0 })), 'frame-size-mismatch', 0, /frame is 635 bytes, expected 636/);
  });
});

describe('detecting the layout from the first header', () => {
  it('header-too-long: no end of header within the bound', () => {
    const junk = new Uint8Array(MAX_HEADER_BYTES + 10).fill(0x20);
    junk[0] = 0x7b;
    expectError(thrown(() => detectLayout(junk, ph256, NAME)), 'header-too-long', 0, /no end of header .* within 65536 bytes/);
    // Shorter than the bound: it may still be arriving.
    expect(detectLayout(junk.subarray(0, 1000), ph256, NAME)).toBe('need-more');
  });

  it('header-not-json in the first header', () => {
    expectError(thrown(() => detectLayout(new TextEncoder().encode('hello\n\n*'), ph256, NAME)), 'header-not-json', 0, /found byte 0x68/);
    expectError(thrown(() => detectLayout(new TextEncoder().encode('{ "a": 1,\n\n*'), ph256, NAME)), 'header-not-json', 0, /first header is not valid JSON/);
  });

  it('bad-type-code after the first header', () => {
    const frame = frameOf(0);
    frame[HEADER] = 0x00;
    expectError(thrown(() => detectLayout(frame, ph256, NAME)), 'bad-type-code', HEADER, /found byte 0x00/);
  });

  it('frame-size-mismatch when the file name gives the wrong dp/bpp', () => {
    // img8 frames (1 byte per pixel) in a file whose name says img16 (2 bytes per pixel).
    const q = { pkt_num: 1, pkt_tai: 2, pkt_nsec: 3, tv_sec: 4, tv_usec: 5 };
    const img8Frame = encodeFrame({ quabo_0: q, quabo_1: q, quabo_2: q, quabo_3: q }, new Array(1024).fill(7), DATA_PRODUCTS.img8);
    const bytes = concatBytes([img8Frame, img8Frame, img8Frame]);
    expectError(thrown(() => detectLayout(bytes, img16, NAME)), 'frame-size-mismatch', 488 + 1 + 2048, /second frame does not start at byte 2537 .* file name's dp\/bpp do not fit/);
  });

  it('bad-header-fields when the header layout is not the data product\'s', () => {
    expectError(thrown(() => detectLayout(frameOf(0), img16, NAME)), 'bad-header-fields', 0, /img16 header needs quabo_0 as an object \(found a flat header/);
  });

  it('needs more while the first header is incomplete: a partial frame is not an error', () => {
    const frame = frameOf(0);
    for (const cut of [0, 1, 50, HEADER - 1, HEADER]) expect(detectLayout(frame.subarray(0, cut), ph256, NAME)).toBe('need-more');
    expect(detectLayout(frame.subarray(0, HEADER + 1), ph256, NAME)).toMatchObject({ headerLength: HEADER, frameSize: FRAME });
  });
});

describe('malformed files on disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pff-malformed-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('unknown-data-product and bad-file-name from PffFile.open, naming the file', async () => {
    const unknown = join(dir, 'start_2025-08-02T05:31:36Z.dp_img64.bpp_2.module_1.seqno_0.pff');
    await writeFile(unknown, frameOf(0));
    await expect(PffFile.open(unknown)).rejects.toMatchObject({ reason: 'unknown-data-product', file: 'start_2025-08-02T05:31:36Z.dp_img64.bpp_2.module_1.seqno_0.pff', offset: 0 });
    const bad = join(dir, 'start_2025-08-02T05:31:36Z.dp_ph256.module_1.seqno_0.pff');
    await writeFile(bad, frameOf(0));
    await expect(PffFile.open(bad)).rejects.toThrow(/dp_ph256\.module_1\.seqno_0\.pff @ byte 0: bad file name: missing field bpp/);
  });

  it('a frame corrupted in the middle of a file: readFrame names it, the others read fine', async () => {
    const path = join(dir, NAME);
    await writeFile(path, fileWithBadFrame((f) => (f[HEADER] = 0x00)));
    const file = await PffFile.open(path);
    try {
      expect(await file.frameCount()).toBe(5);
      await expect(file.readFrame(2)).rejects.toMatchObject({ reason: 'bad-type-code', file: NAME, offset: 2 * FRAME + HEADER });
      expect((await file.readFrame(3)).header).toEqual(header(3));
      expect((await file.readLastFrame())?.header).toEqual(header(4));
    } finally {
      await file.close();
    }
    const whole = await readPffFile(path);
    expect(whole.frames).toHaveLength(4);
    expect(whole.errors.map((e) => e.offset)).toEqual([2 * FRAME]);
  });

  it('a file without a complete first header: tryOpen waits, open says so', async () => {
    const path = join(dir, 'start_2025-08-02T05:31:36Z.dp_ph256.bpp_2.module_1.seqno_9.pff');
    await writeFile(path, frameOf(0).subarray(0, 40));
    expect(await PffFile.tryOpen(path)).toBeUndefined();
    await expect(PffFile.open(path)).rejects.toMatchObject({ reason: 'header-incomplete', offset: 0 });
    expect(await readPffFile(path)).toMatchObject({ frames: [], errors: [], layout: undefined });
  });

  it('garbage with a valid name: a typed error, never a crash', async () => {
    const path = join(dir, 'start_2025-08-02T05:31:36Z.dp_img8.bpp_1.module_1.seqno_0.pff');
    await writeFile(path, new Uint8Array(5000).map((_, i) => (i * 31) % 256));
    await expect(PffFile.open(path)).rejects.toMatchObject({ reason: 'header-not-json', offset: 0 });
    await expect(readPffFile(path)).rejects.toBeInstanceOf(PffError);
  });
});
