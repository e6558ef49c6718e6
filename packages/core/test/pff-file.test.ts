// Random access and writing on real files in a temporary directory, including a file that
// grows by partial frames the way the recorder's buffered writer leaves it.
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, encodeFrame, formatDataFileName, type QuaboHeader, type QuaboPacket } from '../src/index.js';
import { PffFile, PffWriter, readPffFile } from '../src/node.js';
import { concatBytes } from './arbitraries.js';

const img16 = DATA_PRODUCTS.img16;
const packet = (i: number, q: number): QuaboPacket => ({ pkt_num: i, pkt_tai: 5, pkt_nsec: 1000 * i + q, tv_sec: 1_700_000_000 + i, tv_usec: q });
const header = (i: number): QuaboHeader => ({ quabo_0: packet(i, 0), quabo_1: packet(i, 1), quabo_2: packet(i, 2), quabo_3: packet(i, 3) });
const pixels = (i: number): number[] => Array.from({ length: 1024 }, (_, k) => (k * 64 + i) % 65536);
const FRAME = 488 + 1 + 2048;

describe('PffFile and PffWriter', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pff-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes frames the reader gets back, with random access by index', async () => {
    const path = join(dir, formatDataFileName({ start: '2024-07-25T04:34:46Z', dataProduct: 'img16', moduleId: 1, seqno: 0 }));
    const writer = await PffWriter.open(path, img16);
    // Not awaited one by one: the writer must still keep them in call order.
    await Promise.all([0, 1, 2, 3, 4, 5, 6].map((i) => writer.append(header(i), pixels(i))));
    expect(writer.bytesWritten).toBe(7 * FRAME);
    await writer.close();
    expect((await stat(path)).size).toBe(7 * FRAME);

    const file = await PffFile.open(path);
    try {
      expect(file.name).toMatchObject({ dataProduct: 'img16', moduleId: 1, seqno: 0 });
      expect(file.layout).toMatchObject({ headerLength: 488, pixelBytes: 2048, frameSize: FRAME });
      expect(await file.frameCount()).toBe(7);
      for (const k of [0, 3, 6]) {
        const frame = await file.readFrame(k);
        expect(frame).toMatchObject({ index: k, offset: k * FRAME, header: header(k) });
        expect(frame.pixels).toBeInstanceOf(Uint16Array);
        expect(Array.from(frame.pixels)).toEqual(pixels(k));
      }
      expect((await file.readLastFrame())?.header).toEqual(header(6));
      await expect(file.readFrame(-1)).rejects.toThrow(RangeError);
      const tail = await file.readFramesFrom(4 * FRAME);
      expect(tail.frames.map((f) => f.index)).toEqual([4, 5, 6]);
      expect(tail.next).toBe(7 * FRAME);
      const limited = await file.readFramesFrom(0, 2 * FRAME + 5);
      expect(limited.frames.map((f) => f.index)).toEqual([0, 1]);
      expect(limited.next).toBe(2 * FRAME);
    } finally {
      await file.close();
    }
    const whole = await readPffFile(path);
    expect(whole.frames.map((f) => f.header)).toEqual([0, 1, 2, 3, 4, 5, 6].map(header));
  });

  it('follows a file growing by partial frames: only complete frames count, the last complete one is found', async () => {
    const path = join(dir, formatDataFileName({ start: '2024-07-25T04:34:46Z', dataProduct: 'img16', moduleId: 2, seqno: 0 }));
    const writer = await PffWriter.open(path, img16);
    const frames = [0, 1, 2].map((i) => encodeFrame(header(i), pixels(i), img16));
    try {
      await writer.appendRaw(frames[0]!.subarray(0, 300)); // half a header
      expect(await PffFile.tryOpen(path)).toBeUndefined();
      await writer.appendRaw(frames[0]!.subarray(300, 1000)); // header, '*' and some pixels
      const file = await PffFile.open(path);
      try {
        expect(await file.frameCount()).toBe(0);
        expect(await file.readLastFrame()).toBeUndefined();
        await writer.appendRaw(frames[0]!.subarray(1000));
        await writer.appendRaw(frames[1]!);
        await writer.appendRaw(frames[2]!.subarray(0, 10));
        expect(await file.frameCount()).toBe(2);
        expect((await file.readLastFrame())?.header).toEqual(header(1));
        const read = await file.readFramesFrom(FRAME);
        expect(read).toMatchObject({ next: 2 * FRAME, errors: [] });
        expect(read.frames.map((f) => f.index)).toEqual([1]);
        await writer.appendRaw(frames[2]!.subarray(10));
        expect((await file.readLastFrame())?.header).toEqual(header(2));
      } finally {
        await file.close();
      }
    } finally {
      await writer.close();
    }
  });

  it('finds the last frame of a large sparse file by reading only its end', async () => {
    const path = join(dir, formatDataFileName({ start: '2024-07-25T04:34:46Z', dataProduct: 'img16', moduleId: 3, seqno: 0 }));
    const first = concatBytes([encodeFrame(header(0), pixels(0), img16), encodeFrame(header(1), pixels(1), img16)]);
    const last = encodeFrame(header(999), pixels(999), img16);
    const frames = 40_000; // ~100 MB, sparse: only the first two and the last frame are written
    const handle = await open(path, 'w');
    try {
      await handle.write(first, 0, first.length, 0);
      await handle.write(last, 0, last.length, (frames - 1) * FRAME);
    } finally {
      await handle.close();
    }
    const file = await PffFile.open(path);
    try {
      expect(await file.frameCount()).toBe(frames);
      const frame = await file.readLastFrame();
      expect(frame).toMatchObject({ index: frames - 1, offset: (frames - 1) * FRAME, header: header(999) });
      // The zero-filled middle is not frames: reading one there is a typed error, not a crash.
      await expect(file.readFrame(5)).rejects.toMatchObject({ reason: 'header-not-json', offset: 5 * FRAME });
    } finally {
      await file.close();
    }
  });
});
