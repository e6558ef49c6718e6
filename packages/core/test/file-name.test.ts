import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PffError,
  classifyFile,
  formatDataFileName,
  formatRunDirName,
  parseDataFileName,
  parseModuleDirName,
  parseRunDirName,
} from '../src/index.js';
import { baseName } from '../src/path/base-name.js';
import { REAL_PH256_NAME } from './fixture-paths.js';

describe('data file names', () => {
  it('parses both time spellings to the same normalised start', () => {
    const underscores = parseDataFileName('start_2024-07-25T04_34_46Z.dp_img16.bpp_2.module_1.seqno_0.pff');
    const colons = parseDataFileName('start_2024-07-25T04:34:46Z.dp_img16.bpp_2.module_1.seqno_0.pff');
    const dashes = parseDataFileName('start_2024-07-25T04-34-46Z.dp_img16.bpp_2.module_1.seqno_0.pff');
    for (const n of [underscores, colons, dashes]) {
      expect(n).toMatchObject({ start: '2024-07-25T04:34:46Z', dataProduct: 'img16', bytesPerPixel: 2, moduleId: 1, seqno: 0, extra: {} });
    }
    expect(underscores.fileName).toBe('start_2024-07-25T04_34_46Z.dp_img16.bpp_2.module_1.seqno_0.pff');
  });

  it('parses the real file name and a path to it', () => {
    expect(parseDataFileName(`/some/dir/${REAL_PH256_NAME}`)).toEqual({
      fileName: REAL_PH256_NAME, start: '2025-08-02T05:31:36Z', dataProduct: 'ph256', bytesPerPixel: 2, moduleId: 254, seqno: 0, extra: {},
    });
  });

  it('keeps extra fields, in any position', () => {
    const n = parseDataFileName('start_2024-07-25T04_34_46Z.dp_ph1024.bpp_2.module_3.seqno_12.debug_TRUNCATED.pff');
    expect(n).toMatchObject({ dataProduct: 'ph1024', moduleId: 3, seqno: 12, extra: { debug: 'TRUNCATED' } });
    const m = parseDataFileName('foo_bar.start_2024-07-25T04_34_46Z.dp_img8.bpp_1.module_3.seqno_2.pff');
    expect(m).toMatchObject({ dataProduct: 'img8', bytesPerPixel: 1, extra: { foo: 'bar' } });
  });

  it.each([
    ['start_2024-07-25T04_34_46Z.dp_img16.bpp_2.module_1.pff', 'bad-file-name', /missing field seqno/],
    ['start_2024-07-25T04_34_46Z.dp_img16.bpp_1.module_1.seqno_0.pff', 'bad-file-name', /bpp 1 does not match data product img16/],
    ['start_2024-02-31T04_34_46Z.dp_img16.bpp_2.module_1.seqno_0.pff', 'bad-file-name', /start "2024-02-31T04_34_46Z" is not a time/],
    ['start_2024-07-25T04_34_46Z.dp_img16.bpp_2.module_x.seqno_0.pff', 'bad-file-name', /module "x" is not a non-negative integer/],
    ['start_2024-07-25T04_34_46Z.dp_img16.bpp_2.module_1.seqno_0.txt', 'bad-file-name', /does not end in .pff/],
    ['start_2024-07-25T04_34_46Z.dp_img32.bpp_2.module_1.seqno_0.pff', 'unknown-data-product', /unknown data product "img32"/],
  ])('rejects %s with %s', (name, reason, message) => {
    let error: unknown;
    try {
      parseDataFileName(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PffError);
    expect((error as PffError).reason).toBe(reason);
    expect((error as PffError).file).toBe(name);
    expect((error as PffError).message).toMatch(message);
    expect((error as PffError).message.startsWith(`${name} @ byte 0: `)).toBe(true);
  });

  it('formats in the recorder spelling, which parses back', () => {
    const name = formatDataFileName({ start: new Date('2024-07-25T04:34:46.789Z'), dataProduct: 'img16', moduleId: 1, seqno: 0 });
    expect(name).toBe('start_2024-07-25T04:34:46Z.dp_img16.bpp_2.module_1.seqno_0.pff');
    const withExtra = formatDataFileName({ start: '2024-07-25T04_34_46Z', dataProduct: 'ph256', moduleId: 7, seqno: 3, extra: { debug: 'TRUNCATED' } });
    expect(withExtra).toBe('start_2024-07-25T04:34:46Z.dp_ph256.bpp_2.module_7.seqno_3.debug_TRUNCATED.pff');
    expect(parseDataFileName(withExtra)).toMatchObject({ dataProduct: 'ph256', moduleId: 7, seqno: 3, extra: { debug: 'TRUNCATED' } });
  });
});

describe('classifyFile', () => {
  it('recognises frame files', () => {
    const c = classifyFile(REAL_PH256_NAME);
    expect(c.kind).toBe('frames');
    if (c.kind === 'frames') expect(c.name.dataProduct).toBe('ph256');
  });

  it.each([
    ['hk.pff', /housekeeping/],
    ['data_config.json', /JSON/],
    ['recording_ended', /not a \.pff file/],
    ['start_2024-07-25T04_34_46Z.dp_img99.bpp_2.module_1.seqno_0.pff', /unknown data product "img99"/],
    ['notes.pff', /field "notes" is not key_value/],
  ])('%s is not frame data, with a reason', (name, reason) => {
    const c = classifyFile(name);
    expect(c.kind).toBe('not-frames');
    if (c.kind === 'not-frames') expect(c.reason).toMatch(reason);
  });
});

describe('run and module directory names', () => {
  it('parses a run directory in either time spelling, with extra fields', () => {
    expect(parseRunDirName('obs_Lick.start_2024-07-25T04:34:06Z.runtype_sci-data.pffd')).toEqual({
      dirName: 'obs_Lick.start_2024-07-25T04:34:06Z.runtype_sci-data.pffd', obs: 'Lick', start: '2024-07-25T04:34:06Z', runtype: 'sci-data', extra: {},
    });
    expect(parseRunDirName('/data/module_1/obs_Lick.start_2024-07-25T04_34_06Z.runtype_eng.note_x.pffd')).toMatchObject({
      obs: 'Lick', start: '2024-07-25T04:34:06Z', runtype: 'eng', extra: { note: 'x' },
    });
  });

  it('returns undefined for what is not a run directory', () => {
    expect(parseRunDirName('module_1')).toBeUndefined();
    expect(parseRunDirName('obs_Lick.start_2024-07-25T04:34:06Z.pffd')).toBeUndefined();
    expect(parseRunDirName('obs_Lick.start_yesterday.runtype_x.pffd')).toBeUndefined();
    expect(parseRunDirName('obs_Lick.start_2024-07-25T04:34:06Z.runtype_x')).toBeUndefined();
  });

  it('formats a run directory that parses back', () => {
    const name = formatRunDirName({ obs: 'Lick', start: new Date('2024-07-25T04:34:06Z'), runtype: 'sci-data' });
    expect(name).toBe('obs_Lick.start_2024-07-25T04:34:06Z.runtype_sci-data.pffd');
    expect(parseRunDirName(name)?.runtype).toBe('sci-data');
  });

  it('parses module directories', () => {
    expect(parseModuleDirName('module_12')).toBe(12);
    expect(parseModuleDirName('module_0')).toBe(0);
    expect(parseModuleDirName('module_')).toBeUndefined();
    expect(parseModuleDirName('module_1x')).toBeUndefined();
    expect(parseModuleDirName('modules')).toBeUndefined();
  });
});

describe('baseName (file-name parsing without node:path)', () => {
  it('agrees with node:path posix basename on any path (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b.pff', '', '.', '..', 'module_1', 'x y'), { maxLength: 6 }), fc.boolean(), (parts, trailing) => {
        const path = parts.join('/') + (trailing ? '/' : '');
        expect(baseName(path)).toBe(posix.basename(path));
      }),
    );
  });
});
