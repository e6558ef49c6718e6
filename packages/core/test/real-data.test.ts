// The real recorded ph256 file (fixtures/pff): what a reader must get out of real data,
// including frames whose White Rabbit clock was not locked.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, formatHeader, frameTime, isFlatHeader, panoImageFromFrame, parsePanoImage, timingPacket, whiteRabbitTime, type FlatHeader } from '../src/index.js';
import { PffFile, readPffFile } from '../src/node.js';
import { REAL_PH256_NAME, REAL_PH256_PATH } from './fixture-paths.js';

const ph256 = DATA_PRODUCTS.ph256;

describe('real ph256 recording', () => {
  it('has 88 frames of 636 bytes and no errors', async () => {
    const { frames, errors, layout, name } = await readPffFile(REAL_PH256_PATH);
    expect(errors).toEqual([]);
    expect(frames).toHaveLength(88);
    expect(layout?.frameSize).toBe(636);
    expect(layout?.headerLength).toBe(123);
    expect(name).toMatchObject({ dataProduct: 'ph256', bytesPerPixel: 2, moduleId: 254, seqno: 0, start: '2025-08-02T05:31:36Z' });
    expect(frames.map((f) => f.index)).toEqual([...Array(88).keys()]);
  });

  it('gives the header values of the first and last frame', async () => {
    const { frames } = await readPffFile(REAL_PH256_PATH);
    expect(frames[0]!.header).toEqual({
      quabo_num: 3, pkt_num: 5124, pkt_tai: 229, pkt_nsec: 999999999, tv_sec: 1754112728, tv_usec: 985339,
    });
    expect(frames[87]!.header).toEqual({
      quabo_num: 0, pkt_num: 7372, pkt_tai: 858, pkt_nsec: 62221343, tv_sec: 1754113358, tv_usec: 91225,
    });
    expect(frames[87]!.offset).toBe(87 * 636);
  });

  it('reads signed pixels: min -575 and max 2014 over the first frame', async () => {
    const { frames } = await readPffFile(REAL_PH256_PATH);
    const pixels = frames[0]!.pixels;
    expect(pixels).toBeInstanceOf(Int16Array);
    expect(pixels).toHaveLength(256);
    expect(Math.min(...pixels)).toBe(-575);
    expect(Math.max(...pixels)).toBe(2014);
  });

  it('reports every frame as WR-unsynchronised (d = 536 or 537) and still delivers it with arrival time', async () => {
    const { frames } = await readPffFile(REAL_PH256_PATH);
    expect(frames).toHaveLength(88);
    for (const f of frames) {
      const wr = whiteRabbitTime(timingPacket(f.header));
      expect(wr.synchronised).toBe(false);
      if (!wr.synchronised) expect([536, 537]).toContain(wr.d);
      const t = frameTime(timingPacket(f.header));
      expect(t.wrUnixNs).toBeNull();
      const p = f.header as FlatHeader;
      expect(t.arrivalUnixNs).toBe(BigInt(p.tv_sec) * 1_000_000_000n + BigInt(p.tv_usec) * 1000n);
    }
  });

  it('exposes quabo_num, which takes the values 0-3 across frames', async () => {
    const { frames } = await readPffFile(REAL_PH256_PATH);
    const quabos = new Set(frames.map((f) => (isFlatHeader(f.header) ? f.header.quabo_num : -1)));
    expect([...quabos].sort()).toEqual([0, 1, 2, 3]);
    const image = parsePanoImage(panoImageFromFrame(frames[0]!, { file: REAL_PH256_NAME, moduleId: 254, dataProduct: ph256 }), { host: 'test' });
    expect(image.quabo).toBe(3);
    expect(image.time?.wrSynchronised).toBe(false);
    expect(image.time?.wrUnixNs).toBeNull();
    expect(image.time?.iso).toBe('2025-08-02T05:32:08.985339000Z');
  });

  it('formatHeader reproduces every real header byte for byte', async () => {
    const bytes = await readFile(REAL_PH256_PATH);
    const { frames, layout } = await readPffFile(REAL_PH256_PATH);
    for (const f of frames) {
      const real = bytes.subarray(f.offset, f.offset + layout!.headerLength).toString('latin1');
      expect(formatHeader(f.header, ph256)).toBe(real);
    }
  });

  it('random access agrees with the whole-file read', async () => {
    const all = await readPffFile(REAL_PH256_PATH);
    const file = await PffFile.open(REAL_PH256_PATH);
    try {
      expect(await file.frameCount()).toBe(88);
      const last = await file.readLastFrame();
      expect(last?.index).toBe(87);
      expect(last?.raw).toEqual(all.frames[87]!.raw);
      const k = await file.readFrame(41);
      expect(k.header).toEqual(all.frames[41]!.header);
      expect(k.pixels).toEqual(all.frames[41]!.pixels);
      await expect(file.readFrame(88)).rejects.toThrow(/no complete frame 88/);
    } finally {
      await file.close();
    }
  });
});
