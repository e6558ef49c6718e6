import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordWriter, readRecordFile } from '../src/record/record-file.js';
import { checkFileHeader, decodeRecord, encodeRecord, fileHeader, RECORD_VERSION, type RecordedImage } from '../src/record/record-format.js';
import { replayDueMs } from '../src/record/replay-schedule.js';
import { movieImage, ph256Image } from './support/pano-images.js';
import { tempDir } from './support/test-node.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const records: RecordedImage[] = [
  { host: '127.0.0.1:50051', serverTimestamp: new Date(1_754_112_728_123), arrivalUnixMs: 1_754_112_728_200.25, image: movieImage(3, 1) },
  { host: 'unix:/tmp/daq.sock', serverTimestamp: undefined, arrivalUnixMs: 1_754_112_728_300.5, image: ph256Image(3, 2, 2) },
  // A value beyond 16 bits (not a valid pixel, but recorded as received) keeps 4 bytes.
  { host: 'h:1', serverTimestamp: undefined, arrivalUnixMs: 1, image: { ...movieImage(4, 0), header: undefined, imageArray: [0x1_0000, ...movieImage(4, 0).imageArray.slice(1)] } },
];

async function readAll(path: string): Promise<RecordedImage[]> {
  const out: RecordedImage[] = [];
  for await (const r of readRecordFile(path)) out.push(r);
  return out;
}

describe('record file format', () => {
  it('round-trips records exactly through a file', async () => {
    const path = join(dir, 'rt.daqrec');
    const w = await RecordWriter.open(path, 'test');
    for (const r of records) await w.write(r);
    await w.close();
    expect(w.count).toBe(records.length);
    expect(await readAll(path)).toEqual(records);
  });

  it('decodeRecord names the record and field that is wrong', () => {
    const good = encodeRecord(records[0]!);
    expect(() => decodeRecord({ ...good, host: 5 }, 'f: record 1')).toThrow('f: record 1: host is 5, expected a string');
    expect(() => decodeRecord({ ...good, image: { ...good.image, pixelBytes: 3 } }, 'f: record 2')).toThrow('f: record 2: image: pixelBytes is 3, expected 2 or 4');
    expect(() => decodeRecord({ ...good, image: { ...good.image, pixels: new Uint8Array(3) } }, 'f: record 3')).toThrow(
      'f: record 3: image: pixels has 3 bytes, not a multiple of pixelBytes 2',
    );
  });

  it('rejects another format or version', () => {
    expect(() => checkFileHeader({ format: 'other' }, 'x.bin')).toThrow('x.bin: not a daq record file');
    expect(() => checkFileHeader({ ...fileHeader('t'), version: RECORD_VERSION + 1 }, 'x.bin')).toThrow(`format version ${RECORD_VERSION + 1} is not supported`);
  });

  it('reports a wrong end count and data after the end', async () => {
    const path = join(dir, 'count.daqrec');
    const parts = [encode(fileHeader('t')), encode(encodeRecord(records[0]!)), encode({ end: true, count: 2 })];
    await writeFile(path, Buffer.concat(parts));
    await expect(readAll(path)).rejects.toThrow(`${path}: the end record counts 2 images, the file holds 1`);
    const after = join(dir, 'after.daqrec');
    await writeFile(after, Buffer.concat([...parts.slice(0, 2), encode({ end: true, count: 1 }), encode(encodeRecord(records[0]!))]));
    await expect(readAll(after)).rejects.toThrow(`${after}: data after the end record`);
  });

  it('an empty file is not a record file', async () => {
    const path = join(dir, 'empty.daqrec');
    await writeFile(path, '');
    await expect(readAll(path)).rejects.toThrow(`${path}: empty file, not a daq record file`);
  });
});

describe('replay cadence', () => {
  it('is the recorded spacing divided by the speed; speed 0 never waits', () => {
    expect(replayDueMs(1000, 1500, 1)).toBe(500);
    expect(replayDueMs(1000, 1500, 2)).toBe(250);
    expect(replayDueMs(1000, 1500, 0)).toBe(0);
    expect(replayDueMs(1000, 900, 1)).toBe(0);
  });
});
