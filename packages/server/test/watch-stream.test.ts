// The watcher and StreamImages end to end: a real server on an ephemeral port, a separate
// writer appending frames in chunks that split frames, a real client.
import { rename, rm, truncate, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DATA_PRODUCTS, PanoImage_Type, panoImageFromFrame } from '@daqdata/core';
import { readPffFile } from '@daqdata/core/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecorderFile, StreamRecorder, frameBytes, hasFrame, headerFor, pixelsFor, runDir, startTestNode, streamsStarted, type TestNode } from './helpers.js';

let node: TestNode;
let dataDir: string;
const streams: StreamRecorder[] = [];
const files: RecorderFile[] = [];

beforeEach(async () => {
  node = await startTestNode();
  dataDir = join(node.root, 'data');
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.cancel()));
  await Promise.all(files.splice(0).map((f) => f.close()));
  await node.stop();
});

async function init(extra: { moduleIds?: number[]; force?: boolean } = {}): Promise<void> {
  const res = await node.client.initHpIo({ dataDir, updateIntervalSeconds: node.config.minUpdateIntervalSeconds, ...extra });
  expect(res).toEqual({ success: true, errorMessage: '' });
}

function stream(req: Parameters<TestNode['client']['streamImages']>[0]): StreamRecorder {
  const s = new StreamRecorder(node.client, req);
  streams.push(s);
  return s;
}

async function recorder(moduleId: number, dp: 'img16' | 'ph256' | 'img8' | 'ph1024', seqno = 0, start?: Date): Promise<RecorderFile> {
  const dir = await runDir(dataDir, moduleId, start);
  const f = await RecorderFile.create(dir, dp, moduleId, seqno, start);
  files.push(f);
  return f;
}

const movie = { streamMovieData: true, streamPulseHeightData: false, updateIntervalSeconds: 0 };

describe('watching and streaming', () => {
  it('delivers appended frames in order, decoded identically by a standard client, with name and send time', async () => {
    const f = await recorder(1, 'img16');
    await init();
    const s = stream(movie);
    await streamsStarted(node, 1);
    for (let batch = 0; batch < 5; batch++) {
      const last = await f.write(3, 777);
      await s.until(hasFrame(1, null, last), `frame ${last}`);
    }
    const numbers = s.images().map((p) => p.frameNumber);
    expect(numbers.at(-1)).toBe(14);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers); // never out of order
    expect(new Set(numbers).size).toBe(numbers.length); // never twice
    // Byte-identical content: what a standard client decodes equals the frame on disk.
    const onDisk = await readPffFile(f.path);
    expect(onDisk.errors).toEqual([]);
    for (const r of s.received) {
      const p = r.response.panoImage!;
      const expected = panoImageFromFrame(onDisk.frames[p.frameNumber]!, { file: basename(f.path), moduleId: 1, dataProduct: DATA_PRODUCTS.img16 });
      expect(p).toEqual(expected);
      expect(r.response.name).toBe('test-node');
      expect(r.response.timestamp).toBeInstanceOf(Date);
      expect(Math.abs(r.response.timestamp!.getTime() - Date.now())).toBeLessThan(60_000);
    }
    expect(node.logs.lines.filter((l) => /malformed/.test(l))).toEqual([]);
  });

  it('delivers the final append of a burst without any further write', async () => {
    const f = await recorder(1, 'img16');
    await init();
    const s = stream(movie);
    await streamsStarted(node, 1);
    for (let i = 0; i < 10; i++) {
      await f.write(1, 500);
      await new Promise((r) => setTimeout(r, 10)); // the recorder's pace: 10 ms apart
    }
    const got = await s.until(hasFrame(1, null, 9), 'the 10th frame');
    expect(got.at(-1)!.response.panoImage!.frameNumber).toBe(9);
  });

  it('starts an existing run at its newest complete frame without replaying the file', async () => {
    const f = await recorder(1, 'img16');
    await f.write(200, 4096);
    await f.writeRaw(frameBytes('img16', 200).subarray(0, 300)); // a partial frame at EOF
    await init();
    const s = stream(movie);
    await s.until((r) => r.length >= 1, 'the newest frame');
    expect(s.images()[0]!.frameNumber).toBe(199);
    // The partial frame's rest arrives: exactly that frame follows, intact.
    await f.writeRaw(frameBytes('img16', 200).subarray(300), 1);
    await s.until(hasFrame(1, null, 200), 'the completed frame');
    const img = s.images().find((p) => p.frameNumber === 200)!;
    expect(img.imageArray).toEqual(pixelsFor('img16', 200));
    expect(img.header).toEqual(headerFor('img16', 200));
    expect(s.images().map((p) => p.frameNumber)).toEqual([199, 200]);
  });

  it('holds a partial frame until its rest arrives', async () => {
    const f = await recorder(1, 'ph256');
    await init();
    const s = stream({ ...movie, streamMovieData: false, streamPulseHeightData: true });
    await streamsStarted(node, 1);
    const bytes = frameBytes('ph256', 0);
    await f.writeRaw(bytes.subarray(0, 50));
    await f.writeRaw(bytes.subarray(50, 200));
    // A frame in another module proves the server has processed events since the partial write.
    const other = await recorder(2, 'ph256');
    await other.write(1);
    await s.until(hasFrame(2, null, 0), 'module 2 frame');
    expect(s.images().filter((p) => p.moduleId === 1)).toEqual([]);
    await f.writeRaw(bytes.subarray(200), 1);
    await s.until(hasFrame(1, null, 0), 'the completed frame');
    const img = s.images().find((p) => p.moduleId === 1)!;
    expect(img.type).toBe(PanoImage_Type.PULSE_HEIGHT);
    expect(img.shape).toEqual([16, 16]);
    expect(img.imageArray).toEqual(pixelsFor('ph256', 0).map((v) => v & 0xffff));
  });

  it('keeps each module within its interval and sends the newest frame when the interval ends', async () => {
    const f = await recorder(1, 'img16');
    await init();
    const intervalMs = 100;
    const s = stream({ ...movie, updateIntervalSeconds: intervalMs / 1000 });
    await streamsStarted(node, 1);
    for (let i = 0; i < 60; i++) {
      await f.write(1, 2048);
      await new Promise((r) => setTimeout(r, 5));
    }
    const last = f.framesWritten - 1;
    await s.until(hasFrame(1, null, last), 'the newest frame after the burst');
    const sent = s.received.map((r) => r.response.timestamp!.getTime());
    expect(sent.length).toBeGreaterThanOrEqual(2);
    // timestamps are truncated to ms by the client's Date: allow that 1 ms.
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(intervalMs - 1);
    // The burst lasted several intervals: coalescing must not have reduced it to first+last.
    expect(s.received.length).toBeGreaterThanOrEqual(3);
  });

  it('filters modules and image types', async () => {
    const m1movie = await recorder(1, 'img16');
    const m1ph = await recorder(1, 'ph256');
    const m2movie = await recorder(2, 'img8');
    const m2ph = await recorder(2, 'ph1024');
    await init();
    const onlyM2Ph = stream({ streamMovieData: false, streamPulseHeightData: true, moduleIds: [2] });
    const allMovie = stream(movie);
    await streamsStarted(node, 2);
    for (const f of [m1movie, m1ph, m2movie, m2ph]) await f.write(2, 999);
    await onlyM2Ph.until(hasFrame(2, null, 1), 'module 2 pulse height');
    await allMovie.until((r) => hasFrame(1, null, 1)(r) && hasFrame(2, null, 1)(r), 'both modules movie');
    expect(new Set(onlyM2Ph.images().map((p) => `${p.moduleId}:${p.type}`))).toEqual(new Set([`2:${PanoImage_Type.PULSE_HEIGHT}`]));
    expect(new Set(allMovie.images().map((p) => p.type))).toEqual(new Set([PanoImage_Type.MOVIE]));
    expect(onlyM2Ph.images().at(-1)!.bytesPerPixel).toBe(2);
  });

  it('refuses a stream with neither type requested (INVALID_ARGUMENT)', async () => {
    const s = stream({ streamMovieData: false, streamPulseHeightData: false });
    await s.done;
    expect(String(s.error)).toMatch(/INVALID_ARGUMENT.*stream_movie_data/);
  });

  it('serves two modules at very different rates without starving either', async () => {
    const fast = await recorder(1, 'img16');
    const slow = await recorder(2, 'img16');
    await init();
    const s = stream({ ...movie, updateIntervalSeconds: 0.01 });
    await streamsStarted(node, 1);
    const writing = (async () => {
      for (let i = 0; i < 150; i++) {
        await fast.write(1, 1500);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    for (let k = 0; k < 5; k++) {
      const n = await slow.write(1);
      await s.until(hasFrame(2, null, n), `slow module frame ${n}`);
      await new Promise((r) => setTimeout(r, 40));
    }
    await writing;
    await s.until(hasFrame(1, null, 149), 'fast module newest frame');
    const fastCount = s.images().filter((p) => p.moduleId === 1).length;
    expect(fastCount).toBeGreaterThan(5);
    expect(s.images().filter((p) => p.moduleId === 2).map((p) => p.frameNumber)).toEqual([0, 1, 2, 3, 4]);
  });

  it('follows a seqno rollover and a new run', async () => {
    const f0 = await recorder(1, 'img16', 0);
    await init();
    const s = stream(movie);
    await streamsStarted(node, 1);
    await f0.write(3);
    await s.until(hasFrame(1, 'seqno_0.pff', 2), 'seqno 0 frame 2');
    const f1 = await recorder(1, 'img16', 1);
    await f1.write(2, 333);
    await s.until(hasFrame(1, 'seqno_1.pff', 1), 'seqno 1 frame 1');
    await node.logs.waitFor(/following newer file.*seqno_1/);
    const later = new Date('2024-07-25T06:00:00Z');
    const run2 = await recorder(1, 'img16', 0, later);
    await run2.write(4, 1111);
    await s.until((r) => r.some((x) => x.response.panoImage!.file.includes('06_00_00') || x.response.panoImage!.file.includes('06:00:00')), 'new run');
    await s.until((r) => r.at(-1)!.response.panoImage!.frameNumber === 3, 'new run frame 3');
    // New modules too: module 3 appears after the watcher started.
    const m3 = await recorder(3, 'img16');
    await m3.write(1);
    await s.until(hasFrame(3, null, 0), 'new module');
  });

  it('skips a malformed frame with a log naming file and offset, and later frames keep flowing', async () => {
    const f = await recorder(1, 'img16');
    await init();
    const s = stream(movie);
    await streamsStarted(node, 1);
    await f.write(2);
    await s.until(hasFrame(1, null, 1), 'frame 1');
    const bad = frameBytes('img16', 2);
    const star = bad.indexOf(0x2a);
    bad[star] = 0x21; // '!' where '*' belongs
    bad[5] = 0x00; // and a broken header
    await f.writeRaw(bad, 1);
    const size = bad.length;
    await f.write(2);
    await s.until(hasFrame(1, null, 4), 'frame 4 after the malformed one');
    const line = await node.logs.waitFor(/garbage/);
    expect(line).toContain(basename(f.path));
    expect(line).toContain(`skipped ${size} bytes of garbage at byte ${2 * size} (expected '*' after the header, found byte 0x21); re-synchronised at byte ${3 * size}`);
    expect(s.images().map((p) => p.frameNumber)).not.toContain(2);
  });

  it('re-synchronises after truncation, replacement and deletion', async () => {
    const f = await recorder(1, 'img16');
    await init();
    const s = stream(movie);
    await streamsStarted(node, 1);
    await f.write(5);
    await s.until(hasFrame(1, null, 4), 'frame 4');

    // Truncation: the file restarts; frames the clients already had (#0..#4) are not sent again,
    // the new data's frames beyond them are.
    // The node must see the file short before it grows again: appended at once, 7 frames over
    // the 5 it had would look like plain growth (a loaded node may not read in between).
    await truncate(f.path, 0);
    await node.logs.waitFor(/file truncated/);
    await writeFile(f.path, Buffer.concat([100, 101, 102, 103, 104, 105, 106].map((n) => frameBytes('img16', n))), { flag: 'a' });
    await s.until((r) => r.at(-1)!.response.panoImage!.imageArray[0] === pixelsFor('img16', 106)[0] && r.at(-1)!.response.panoImage!.frameNumber === 6, 'frame after truncation');

    // Replacement: another file renamed over it.
    const tmp = join(dataDir, 'replacement.tmp');
    await writeFile(tmp, Buffer.concat([0, 1, 2].map((i) => frameBytes('img16', 200 + i))));
    await rename(tmp, f.path);
    await node.logs.waitFor(/file replaced/);
    await s.until((r) => r.at(-1)!.response.panoImage!.imageArray[0] === pixelsFor('img16', 202)[0], 'frame of the replacement');

    // Deletion: the follower stops with a log line; a new file is followed.
    await rm(f.path);
    await node.logs.waitFor(/file deleted/);
    const next = await recorder(1, 'img16', 1);
    await next.write(1);
    await s.until(hasFrame(1, 'seqno_1.pff', 0), 'frame of the next file');
    expect(s.ended).toBe(false);
  });

  it('ignores files that are not frames', async () => {
    const dir = await runDir(dataDir, 1);
    await writeFile(join(dir, 'hk.pff'), '{"a": 1}\n');
    await writeFile(join(dir, 'config.json'), '{}');
    await writeFile(join(dir, 'recording_ended'), '');
    const f = await recorder(1, 'img16');
    await init();
    const s = stream(movie);
    await f.write(1);
    await s.until(hasFrame(1, null, 0), 'frame 0');
    await writeFile(join(dir, 'hk.pff'), '{"b": 2}\n', { flag: 'a' });
    await f.write(1);
    await s.until(hasFrame(1, null, 1), 'frame 1');
    expect(s.images().every((p) => p.file === basename(f.path))).toBe(true);
    expect(node.logs.lines.filter((l) => /WARN|ERROR/.test(l))).toEqual([]);
  });
});
