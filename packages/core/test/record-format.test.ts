// The `daq record` file format (moved here from the CLI with the code): exact round trips
// through real files in a temporary directory and through bytes alone (the browser path),
// and errors that name the file, record and field.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkFileHeader,
  decodeRecord,
  decodeRecordStream,
  encodeRecord,
  fileHeader,
  PanoImage_Type,
  RECORD_DECODE_LIMITS,
  RECORD_VERSION,
  RecordEncoder,
  type PanoImage,
  type RecordedImage,
} from '../src/index.js';
import { RecordWriter, readRecordFile } from '../src/node.js';
import { packetArb } from './arbitraries.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daq-record-format-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A PanoImage as a node sends it: movie frames with four quabo headers, ph256 events with a flat one. */
const panoImageArb: fc.Arbitrary<PanoImage> = fc.oneof(
  fc.record({
    type: fc.constant(PanoImage_Type.MOVIE),
    header: fc.record({ quabo_0: packetArb, quabo_1: packetArb, quabo_2: packetArb, quabo_3: packetArb }),
    // Up to 32 bits: a value beyond 16 bits (not a valid pixel, but recorded as received) keeps 4 bytes.
    imageArray: fc.oneof(fc.array(fc.nat(0xffff), { minLength: 1024, maxLength: 1024 }), fc.array(fc.nat(0xffff_ffff), { minLength: 1024, maxLength: 1024 })),
    shape: fc.constant<number[]>([32, 32]),
    bytesPerPixel: fc.constant(2),
    file: fc.string(),
    frameNumber: fc.nat(),
    moduleId: fc.nat(0xffff),
  }),
  fc.record({
    type: fc.constant(PanoImage_Type.PULSE_HEIGHT),
    header: fc.option(fc.record({ quabo_num: fc.nat(3), pkt_num: fc.nat(), tv_sec: fc.nat() }), { nil: undefined }),
    imageArray: fc.array(fc.nat(0xffff), { minLength: 256, maxLength: 256 }),
    shape: fc.constant<number[]>([16, 16]),
    bytesPerPixel: fc.constant(2),
    file: fc.string(),
    frameNumber: fc.nat(),
    moduleId: fc.nat(0xffff),
  }),
);

const recordArb: fc.Arbitrary<RecordedImage> = fc.record({
  host: fc.string(),
  serverTimestamp: fc.option(fc.date({ noInvalidDate: true }), { nil: undefined }),
  // Unix ms, so never -0 (MessagePack writes -0 as the integer 0).
  arrivalUnixMs: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
  image: panoImageArb,
});

const record: RecordedImage = {
  host: '127.0.0.1:50051',
  serverTimestamp: new Date(1_754_112_728_123),
  arrivalUnixMs: 1_754_112_728_200.25,
  image: {
    type: PanoImage_Type.MOVIE,
    header: { quabo_0: { pkt_num: 1 } },
    imageArray: Array.from({ length: 1024 }, (_, i) => (i * 7) % 4000),
    shape: [32, 32],
    bytesPerPixel: 2,
    file: 'start_2025-08-02T05_31_36Z.dp_img16.bpp_2.module_3.seqno_0.pff',
    frameNumber: 1,
    moduleId: 3,
  },
};

async function readAll(images: AsyncIterable<RecordedImage>): Promise<RecordedImage[]> {
  const out: RecordedImage[] = [];
  for await (const r of images) out.push(r);
  return out;
}

async function* chunksOf(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

/** A whole file's bytes, from RecordEncoder alone. */
function encodeFile(records: readonly RecordedImage[]): Uint8Array[] {
  const encoder = new RecordEncoder();
  return [encoder.header('test'), ...records.map((r) => encoder.record(r)), encoder.end()];
}

describe('record file format', () => {
  it('round-trips records exactly through a file', async () => {
    const records = fc.sample(recordArb, { numRuns: 20, seed: 15 });
    const path = join(dir, 'rt.daqrec');
    const w = await RecordWriter.open(path, 'test');
    for (const r of records) await w.write(r);
    await w.close();
    expect(w.count).toBe(records.length);
    expect(await readAll(readRecordFile(path))).toEqual(records);
  });

  it('round-trips any records exactly through bytes alone, however the bytes are split (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { maxLength: 4 }), fc.integer({ min: 1, max: 5000 }), async (records, chunk) => {
        const bytes = Buffer.concat(encodeFile(records));
        const chunks = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
        expect(await readAll(decodeRecordStream(chunksOf(chunks), 'mem'))).toEqual(records);
      }),
      { numRuns: 40 },
    );
  });

  it('a web ReadableStream decodes as a file does', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of encodeFile([record])) controller.enqueue(chunk);
        controller.close();
      },
    });
    expect(await readAll(decodeRecordStream(stream, 'blob'))).toEqual([record]);
  });

  it('any cut through a file is reported, never read as a whole file (property)', async () => {
    const bytes = Buffer.concat(encodeFile([record, record]));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), async (cut) => {
        const read = readAll(decodeRecordStream(chunksOf([bytes.subarray(0, cut)]), 'cut.daqrec'));
        await expect(read).rejects.toThrow(/^cut\.daqrec: (empty file|not a daq record file|record \d is truncated|ends after record \d without the end record)/);
      }),
      { numRuns: 60 },
    );
  });

  it('a value beyond the decode limits is reported, not buffered', async () => {
    const parts = [encode(fileHeader('t')), encode({ ...encodeRecord(record), host: 'h'.repeat(RECORD_DECODE_LIMITS.maxStrLength + 1) })];
    await expect(readAll(decodeRecordStream(chunksOf(parts), 'big.daqrec'))).rejects.toThrow(/^big\.daqrec: record 1 is truncated or corrupt \(.*exceeded/i);
    const huge = [encode(fileHeader('t')), encode({ ...encodeRecord(record), image: { ...encodeRecord(record).image, pixels: new Uint8Array(RECORD_DECODE_LIMITS.maxBinLength + 2) } })];
    await expect(readAll(decodeRecordStream(chunksOf(huge), 'huge.daqrec'))).rejects.toThrow(/^huge\.daqrec: record 1 is truncated or corrupt \(.*exceeded/i);
  });

  it('decodeRecord names the record and field that is wrong', () => {
    const good = encodeRecord(record);
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
    const parts = [encode(fileHeader('t')), encode(encodeRecord(record)), encode({ end: true, count: 2 })];
    await writeFile(path, Buffer.concat(parts));
    await expect(readAll(readRecordFile(path))).rejects.toThrow(`${path}: the end record counts 2 images, the file holds 1`);
    const after = join(dir, 'after.daqrec');
    await writeFile(after, Buffer.concat([...parts.slice(0, 2), encode({ end: true, count: 1 }), encode(encodeRecord(record))]));
    await expect(readAll(readRecordFile(after))).rejects.toThrow(`${after}: data after the end record`);
  });

  it('an empty file is not a record file; a missing one is named', async () => {
    const path = join(dir, 'empty.daqrec');
    await writeFile(path, '');
    await expect(readAll(readRecordFile(path))).rejects.toThrow(`${path}: empty file, not a daq record file`);
    const missing = join(dir, 'missing.daqrec');
    await expect(readAll(readRecordFile(missing))).rejects.toThrow(`${missing}: no such file`);
  });
});
