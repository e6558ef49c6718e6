// `daq roi` as a real child process against a real node (issue 17): one JSON object (or line)
// per uploaded frame, in order, each ROI's numbers exactly those of the frame's pixels; ROIs
// that break a rule are refused before any call, naming the ROI and the rule.
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { CliProcess, runCli } from './support/cli-process.js';
import { movieImage } from './support/pano-images.js';
import { startTestNode, type TestNode } from './support/test-node.js';

let node: TestNode;
beforeEach(async () => {
  node = await startTestNode();
});
afterEach(async () => {
  await node?.stop();
});

/** The node serves a StreamRoiStats call (asked of the node: no event says so from outside). */
async function roiStreamOpen(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!node.server.node.streamStats().some((s) => s.policy === 'roi-stats')) {
    if (Date.now() > deadline) throw new Error('no ROI stream opened');
    await delay(20);
  }
}

/** Sum, max, profiles of a rectangle, pixel by pixel from the image array (row-major 32×32). */
function reference(pixels: number[], [ox, sx, oy, sy]: number[]) {
  let sum = 0;
  let max = -Infinity;
  const profileX = new Array<number>(sx!).fill(0);
  const profileY = new Array<number>(sy!).fill(0);
  for (let row = oy!; row < oy! + sy!; row++) {
    for (let col = ox!; col < ox! + sx!; col++) {
      const v = pixels[row * 32 + col]!;
      sum += v;
      max = Math.max(max, v);
      profileX[col - ox!]! += v;
      profileY[row - oy!]! += v;
    }
  }
  return { sum, mean: sum / (sx! * sy!), max, pixels: sx! * sy!, profileX, profileY };
}

const N = 30;
const images = Array.from({ length: N }, (_, k) => movieImage(3, k));

describe('daq roi', () => {
  it('--json prints one object per frame, in order, with exact sums, profiles and background-subtracted signal', async () => {
    const p = new CliProcess(['roi', '--host', node.address, '--module-ids', '3', '--roi', 'star=3,4,5,2', '--background', 'star=0,32,31,1', '--roi', 'corner=31,1,31,1', '--count', String(N), '--json']);
    await roiStreamOpen();
    await node.upload(images);
    const r = await p.exited;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { module: number; sequence: number; frameNumber: number; time: string; timeNs: string; wrSynchronised: boolean; rois: Record<string, ReturnType<typeof reference> & { signal: number }> });
    expect(lines.map((l) => l.frameNumber)).toEqual(Array.from({ length: N }, (_, k) => k));
    expect(lines.map((l) => l.sequence - lines[0]!.sequence)).toEqual(Array.from({ length: N }, (_, k) => k));
    for (const l of lines) {
      const pixels = images[l.frameNumber]!.imageArray;
      expect(l.module).toBe(3);
      expect(l.wrSynchronised).toBe(true);
      // movieImage's packet: tv_sec = 1754112728 + k, pkt_nsec = 123456789 + k, synchronised.
      expect(l.timeNs).toBe(String(BigInt(1_754_112_728 + l.frameNumber) * 1_000_000_000n + BigInt(123_456_789 + l.frameNumber)));
      expect(l.time.endsWith(`.${String(123_456_789 + l.frameNumber)}Z`)).toBe(true);
      const star = reference(pixels, [3, 4, 5, 2]);
      const background = reference(pixels, [0, 32, 31, 1]);
      expect(l.rois.star).toEqual({ ...star, signal: star.sum - (background.sum / 32) * 8 });
      expect(l.rois.corner).toEqual({ ...reference(pixels, [31, 1, 31, 1]), signal: pixels[1023] });
    }
  });

  it('prints one summary line per frame', async () => {
    const p = new CliProcess(['roi', '--host', node.address, '--roi', 'all=0,32,0,32', '--count', '2']);
    await roiStreamOpen();
    await node.upload(images.slice(0, 2));
    const r = await p.exited;
    expect(r.code).toBe(EXIT.ok);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    lines.forEach((line, k) => {
      const sum = reference(images[k]!.imageArray, [0, 32, 0, 32]).sum;
      expect(line).toContain(`module 3 movie #`);
      expect(line).toContain(`frame ${k} `);
      expect(line).toContain(`all sum=${sum} `);
    });
  });

  it.each([
    [['--roi', 'star=30,4,0,2'], 'ROI "star": offset_x 30 + size_x 4 = 34 is beyond the image\'s 32 columns (must be inside the image)'],
    [['--roi', 'star=0,0,0,2'], 'ROI "star": size_x 0 is below 1 (sizes must be ≥ 1)'],
    [['--roi', 'star=0,2,0,2', '--background', 'star=-1,2,0,2'], 'ROI "star" background: offset_x -1 is negative (offsets must be ≥ 0)'],
    [['--roi', 'star=0,2,0,2', '--background', 'sky=0,2,0,2'], '--background sky: no --roi is named "sky"'],
    [['--roi', 'star=1,2,3'], '"1,2,3" is not offset_x,size_x,offset_y,size_y'],
    [[], 'give at least one --roi'],
  ])('refuses %j with a usage error naming the ROI and the rule', async (args, message) => {
    const r = await runCli(['roi', '--host', node.address, ...args]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain(message);
    expect(node.server.node.streamStats()).toEqual([]);
  });
});
