// `daq stream --every-frame` and `daq record --every-frame` against a real node (issue 13):
// every uploaded image of one module and type arrives, in order, numbered; a preview stream
// of the same images would have kept only the newest per interval.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { readRecordFile } from '@daqdata/core/node';
import { CliProcess } from './support/cli-process.js';
import { ph256Image } from './support/pano-images.js';
import { startTestNode, tempDir, type TestNode } from './support/test-node.js';

let node: TestNode;
let dir: string;

// A node per test: a new every-frame stream starts with the oldest frame the node holds.
beforeEach(async () => {
  node = await startTestNode();
});
afterEach(async () => {
  await node?.stop();
});
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const N = 40;
/** One module and type, N frames: a latest-policy stream would coalesce them. */
const images = Array.from({ length: N }, (_, k) => ph256Image(7, k % 4, k));

/** The node serves an every-frame stream (asked of the node: no event says so from outside). */
async function everyFrameStreamOpen(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!node.server.node.streamStats().some((s) => s.policy === 'every-frame')) {
    if (Date.now() > deadline) throw new Error('no every-frame stream opened');
    await delay(20);
  }
}

describe('--every-frame', () => {
  it('daq stream --every-frame --json prints every image once, in order, with contiguous sequences', async () => {
    const p = new CliProcess(['stream', '--host', node.address, '--every-frame', '--json', '--count', String(N), '--no-movie']);
    await everyFrameStreamOpen();
    await node.upload(images);
    const r = await p.exited;
    expect(r.code).toBe(EXIT.ok);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { frameNumber: number; sequence: number; moduleId: number });
    expect(lines.map((l) => l.frameNumber)).toEqual(Array.from({ length: N }, (_, k) => k));
    expect(lines.map((l) => l.sequence - lines[0]!.sequence)).toEqual(Array.from({ length: N }, (_, k) => k));
    expect(lines.every((l) => l.moduleId === 7)).toBe(true);
  });

  it('daq record --every-frame records every image, so the recording is complete', async () => {
    const file = join(dir, 'every.daqrec');
    const p = new CliProcess(['record', file, '--host', node.address, '--every-frame', '--count', String(N), '--no-movie']);
    await everyFrameStreamOpen();
    await node.upload(images);
    const r = await p.exited;
    expect(r.code).toBe(EXIT.ok);
    const recorded = [];
    for await (const rec of readRecordFile(file)) recorded.push(rec.image);
    expect(recorded).toEqual(images);
  });
});
