import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DATA_PRODUCTS, encodeFrame, parseDataFileName, parseRunDirName } from '@daqdata/core';
import { PffFile, readPffFile } from '@daqdata/core/node';
import { describe, expect, it } from 'vitest';
import { RunWriter } from '../src/run/run-writer.js';
import { syntheticFrames } from '../src/synth/synthetic-stream.js';
import { tempDir } from './temp-dir.js';

const START = new Date('2025-08-02T06:00:00Z');

function frames(n: number, dp: 'img16' | 'ph256' = 'img16'): Uint8Array[] {
  const it = syntheticFrames({ moduleId: 5, dataProduct: dp, startNs: BigInt(START.getTime()) * 1_000_000n, rate: 100, seed: 1 });
  return Array.from({ length: n }, () => {
    const f = it.next().value;
    return encodeFrame(f.header, f.pixels, DATA_PRODUCTS[dp]);
  });
}

describe('run writer', () => {
  it('lays out DATA_DIR/module_N/<run dir>/<recorder file names>', async () => {
    const dir = await tempDir();
    const w = new RunWriter({ dataDir: dir, obs: 'Lick', runtype: 'sim', start: START });
    const [img] = frames(1);
    const [ph] = frames(1, 'ph256');
    await w.write(5, 'img16', img!);
    await w.write(5, 'ph256', ph!);
    await w.close();
    expect(await readdir(dir)).toEqual(['module_5']);
    const [run] = await readdir(join(dir, 'module_5'));
    expect(run).toBe('obs_Lick.start_2025-08-02T06:00:00Z.runtype_sim.pffd');
    expect(parseRunDirName(run!)).toMatchObject({ obs: 'Lick', runtype: 'sim', start: '2025-08-02T06:00:00Z' });
    const files = (await readdir(join(dir, 'module_5', run!))).sort();
    expect(files.map((f) => parseDataFileName(f))).toMatchObject([
      { dataProduct: 'img16', bytesPerPixel: 2, moduleId: 5, seqno: 0, start: '2025-08-02T06:00:00Z' },
      { dataProduct: 'ph256', bytesPerPixel: 2, moduleId: 5, seqno: 0 },
    ]);
  });

  it('rolls over to the next seqno before a file would pass the size limit, never splitting a frame across files', async () => {
    const dir = await tempDir();
    const all = frames(25);
    const size = all[0]!.length;
    const w = new RunWriter({ dataDir: dir, start: START, maxFileBytes: 10 * size + 5 });
    for (const f of all) await w.write(5, 'img16', f);
    await w.close();
    const files = w.written.files;
    expect(files.map((f) => parseDataFileName(basename(f)).seqno)).toEqual([0, 1, 2]);
    const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
    expect(sizes).toEqual([10 * size, 10 * size, 5 * size]);
    // Concatenated, the files hold exactly the frames written, in order.
    const read = (await Promise.all(files.map((f) => readPffFile(f)))).flatMap((r) => r.frames.map((fr) => Buffer.from(fr.raw)));
    expect(Buffer.concat(read).equals(Buffer.concat(all))).toBe(true);
  });

  it('chunked writes leave a partial frame on disk until the next chunk, then every frame is whole', async () => {
    const dir = await tempDir();
    const all = frames(3);
    const size = all[0]!.length;
    const chunk = 1000;
    const w = new RunWriter({ dataDir: dir, start: START, chunkBytes: chunk });
    await w.write(5, 'img16', all[0]!);
    const path = w.written.files[0]!;
    // Only whole chunks reach the file: it ends mid-frame, as a recorder's buffered writer leaves it.
    expect((await stat(path)).size).toBe(Math.floor(size / chunk) * chunk);
    const file = await PffFile.open(path);
    expect(await file.frameCount()).toBe(0);
    await w.write(5, 'img16', all[1]!);
    expect((await stat(path)).size).toBe(Math.floor((2 * size) / chunk) * chunk);
    expect(await file.frameCount()).toBe(1);
    await file.close();
    await w.write(5, 'img16', all[2]!);
    await w.flush();
    expect((await readFile(path)).equals(Buffer.concat(all))).toBe(true);
    await w.close();
  });

  it('rejects writes after close and bad options with a clear message', async () => {
    const dir = await tempDir();
    expect(() => new RunWriter({ dataDir: dir, maxFileBytes: 0 })).toThrow(/maxFileBytes must be positive/);
    expect(() => new RunWriter({ dataDir: dir, chunkBytes: 1.5 })).toThrow(/chunkBytes must be a positive integer/);
    const w = new RunWriter({ dataDir: dir, start: START });
    await w.close();
    await expect(w.write(1, 'img16', frames(1)[0]!)).rejects.toThrow(/closed/);
  });
});
