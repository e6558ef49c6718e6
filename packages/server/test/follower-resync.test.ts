// Hostile bytes in a followed file, end to end (a real server, real files, a real gRPC client):
// garbage, a header of another length, a frame of the wrong size, truncation. The module keeps
// streaming its newest good frames, nothing corrupt is ever delivered, nothing is delivered
// twice, and each run of bad bytes is logged once with file, offset and length.
import { truncate } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DataProduct, PanoImage } from '@daqdata/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecorderFile, StreamRecorder, frameBytes, hasFrame, headerFor, pixelsFor, runDir, startTestNode, streamsStarted, type TestNode } from './helpers.js';

let node: TestNode;
const streams: StreamRecorder[] = [];
const files: RecorderFile[] = [];

beforeEach(async () => {
  node = await startTestNode();
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.cancel()));
  await Promise.all(files.splice(0).map((f) => f.close()));
  await node.stop();
});

const DP: DataProduct = 'img16';
const FRAME = frameBytes(DP, 0).length; // 2537
const HEADER = frameBytes(DP, 0).indexOf(0x2a); // 488

/** A module's recorder file, the node watching it, and a client streaming it. */
async function followed(): Promise<{ f: RecorderFile; s: StreamRecorder }> {
  const dataDir = join(node.root, 'data');
  const f = await RecorderFile.create(await runDir(dataDir, 1), DP, 1);
  files.push(f);
  expect(await node.client.initHpIo({ dataDir, updateIntervalSeconds: node.config.minUpdateIntervalSeconds })).toEqual({ success: true, errorMessage: '' });
  const s = new StreamRecorder(node.client, { streamMovieData: true, updateIntervalSeconds: 0 });
  streams.push(s);
  await streamsStarted(node, 1);
  return { f, s };
}

/** Which written frame an image is: the recorder numbers frames in their headers (pkt_num). */
function writtenNumber(p: PanoImage): number {
  return (p.header as { quabo_0: { pkt_num: number } }).quabo_0.pkt_num;
}

/** Every delivered image is a frame that was written whole: its header and pixels are frame n's, for n in `good`. */
function expectNothingCorrupt(s: StreamRecorder, good: ReadonlySet<number>): void {
  for (const p of s.images()) {
    const n = writtenNumber(p);
    expect(good.has(n), `frame ${n} (#${p.frameNumber}) was not written whole`).toBe(true);
    expect(p.header).toEqual(headerFor(DP, n));
    expect(p.imageArray).toEqual(pixelsFor(DP, n));
  }
}

/** Delivered in file order, never twice. */
function expectIncreasing(s: StreamRecorder): void {
  const numbers = s.images().map((p) => p.frameNumber);
  for (let i = 1; i < numbers.length; i++) expect(numbers[i]!).toBeGreaterThan(numbers[i - 1]!);
}

/** Deterministic "random" bytes (a linear congruential generator). */
function noise(length: number, seed: number): Uint8Array {
  let x = seed >>> 0;
  return Uint8Array.from({ length }, () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x >>> 24));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const garbageLines = () => node.logs.lines.filter((l) => /garbage|malformed/.test(l));

describe('a followed file with bytes that are not frames', () => {
  it('100 random bytes, then good frames: the newest good frames are delivered and one line logs file, offset and length', async () => {
    const { f, s } = await followed();
    await f.write(3);
    await s.until(hasFrame(1, null, 2), 'frame 2');
    await f.writeRaw(noise(100, 1));
    await f.write(5); // frames 3..7, 100 bytes after their places: file indices 3..7
    await s.until(hasFrame(1, null, 7), 'the newest frame after the garbage');
    expectNothingCorrupt(s, new Set(range(0, 8)));
    expectIncreasing(s);
    const line = await node.logs.waitFor(/garbage/);
    expect(line).toContain(basename(f.path));
    expect(line).toContain(`skipped 100 bytes of garbage at byte ${3 * FRAME}`);
    expect(line).toContain(`re-synchronised at byte ${3 * FRAME + 100}`);
    expect(garbageLines()).toHaveLength(1);
  });

  it('a header one byte longer than the others: that frame is skipped, later frames delivered', async () => {
    const { f, s } = await followed();
    await f.write(3);
    await s.until(hasFrame(1, null, 2), 'frame 2');
    const frame3 = frameBytes(DP, 3);
    await f.writeRaw(Buffer.concat([frame3.subarray(0, 1), Buffer.from(' '), frame3.subarray(1)]), 1); // "{ \n   ..."
    await f.write(4); // frames 4..7 at k * FRAME + 1
    await s.until(hasFrame(1, null, 7), 'frame 7');
    expectNothingCorrupt(s, new Set([0, 1, 2, 4, 5, 6, 7]));
    expectIncreasing(s);
    const line = await node.logs.waitFor(/garbage/);
    expect(line).toContain(`skipped ${FRAME + 1} bytes of garbage at byte ${3 * FRAME}`);
    expect(garbageLines()).toHaveLength(1);
  });

  it('an img16 bpp_2 frame with 1,024 pixel bytes instead of 2,048, then good frames: never delivered, logged', async () => {
    const { f, s } = await followed();
    await f.write(3);
    await s.until(hasFrame(1, null, 2), 'frame 2');
    await f.writeRaw(frameBytes(DP, 3).subarray(0, HEADER + 1 + 1024), 1);
    await f.write(5); // frames 4..8, 1,024 bytes before their places: file indices 3..7
    await s.until((r) => r.some((x) => x.response.panoImage && writtenNumber(x.response.panoImage) === 8), 'frame 8');
    expectNothingCorrupt(s, new Set([0, 1, 2, 4, 5, 6, 7, 8]));
    expectIncreasing(s);
    const line = await node.logs.waitFor(/garbage/);
    expect(line).toContain(`skipped ${HEADER + 1 + 1024} bytes of garbage at byte ${3 * FRAME}`);
    expect(line).toMatch(/the frame is not 2537 bytes \(header 488 \+ 1 \+ 2048 pixel bytes of img16\)/);
    expect(garbageLines()).toHaveLength(1);
  });

  it('truncated to 2 frames: no frame is delivered twice, and frames appended after the truncation are', async () => {
    const { f, s } = await followed();
    await f.write(5);
    await s.until(hasFrame(1, null, 4), 'frame 4');
    await truncate(f.path, 2 * FRAME);
    // Logged once the follower has read the shortened file again (frame #1 is the newest there).
    await node.logs.waitFor(/file truncated: re-synchronised at byte 5074; frames up to #4 were already sent/);
    await f.write(5); // frames 5..9 at file indices 2..6: indices 2..4 were delivered before
    await s.until(hasFrame(1, null, 6), 'file index 6');
    const seen = s.images().map((p) => `${p.file}#${p.frameNumber}`);
    expect(new Set(seen).size).toBe(seen.length);
    expectIncreasing(s);
    const last = s.images().at(-1)!;
    expect(writtenNumber(last)).toBe(9);
    expect(last.imageArray).toEqual(pixelsFor(DP, 9));
  });

  it('randomised: good frames with garbage, short frames and long headers spliced in at random, appended at random moments', async () => {
    const { f, s } = await followed();
    let seed = 12345;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed % n);
    const good = new Set<number>();
    let n = 0;
    let badPieces = 0;
    const writeGood = async () => {
      good.add(n);
      await f.writeRaw(frameBytes(DP, n++));
    };
    await writeGood();
    await writeGood();
    for (let piece = 0; piece < 60; piece++) {
      const kind = rand(6);
      if (kind === 0) {
        badPieces++;
        await f.writeRaw(noise(1 + rand(3 * FRAME), rand(1 << 30)));
      } else if (kind === 1) {
        // A frame cut anywhere, then a good frame (a cut frame followed by garbage is the
        // residual risk documented in core's frame-scanner.ts).
        badPieces++;
        await f.writeRaw(frameBytes(DP, n++).subarray(0, 1 + rand(FRAME - 1)));
        await writeGood();
      } else if (kind === 2) {
        badPieces++;
        const frame = frameBytes(DP, n++);
        const at = rand(2) === 0 ? 1 : HEADER - 3;
        await f.writeRaw(Buffer.concat([frame.subarray(0, at), Buffer.from(' '), frame.subarray(at)]));
      } else {
        await writeGood();
      }
      if (rand(3) === 0) await new Promise((r) => setTimeout(r, rand(5)));
    }
    await writeGood();
    const final = n - 1;
    await s.until((r) => r.some((x) => x.response.panoImage && writtenNumber(x.response.panoImage) === final), `the final frame (${final})`);
    expectNothingCorrupt(s, good);
    expectIncreasing(s);
    expect(garbageLines().length).toBeLessThanOrEqual(badPieces);
  });
});
