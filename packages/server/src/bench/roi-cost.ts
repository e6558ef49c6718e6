// What ROI stats cost the node per frame (issue 17): 8 ROIs on an img16 frame computed from the
// frame's own pixels (BroadcastImage.framePixels, what FrameRoiCache reads), against the path
// the node took before, decoding the image's PanoImage encoding again (PanoImage.decode +
// parsePanoImage) and then computing the same ROIs; beside them, what keeping the pixels costs
// (framePixelsOf) and what encoding a frame costs (the ring's size needs the encoding). CPU time
// of this process (process.cpuUsage), the variants alternating within each run so both see the
// same load; min / median / max of RUNS runs with `uptime`. Run with --expose-gc (the bench
// script does) so each measurement starts with a collected heap. Figures only.
import { execFileSync } from 'node:child_process';
import { DATA_PRODUCTS, PanoImage, parsePanoImage, type FrameHeader, type NamedRoi } from '@daqdata/core';
import { broadcastImage, type BroadcastImage, type FramePixels } from '../broadcast/broadcast-image.js';
import { framePixelsOf } from '../broadcast/frame-pixels.js';
import { encodeFramePanoImage } from '../broadcast/pano-image-encoding.js';
import { FrameRoiCache } from '../roi/frame-roi-cache.js';

const RUNS = Number(process.env.BENCH_ROI_COST_RUNS ?? 5);
const FRAMES = 4_000;
const img16 = DATA_PRODUCTS.img16;
/** The client bench's 8 ROIs: 4×4 squares along the diagonal, every other one with a background strip. */
const ROIS: NamedRoi[] = Array.from({ length: 8 }, (_, i) => ({ name: `r${i}`, rect: [i * 4, 4, i * 4, 4], ...(i % 2 ? { background: [0, 32, 0, 1] as const } : {}) }));

const frames = Array.from({ length: FRAMES }, (_, n) => {
  const p = { pkt_num: n & 0xffff, pkt_tai: 500, pkt_nsec: 1000 * n, tv_sec: 1_700_000_000 - 37 + 500 - (1_700_000_000 % 1024), tv_usec: n };
  const header: FrameHeader = { quabo_0: p, quabo_1: p, quabo_2: p, quabo_3: p };
  const pixels = Uint16Array.from({ length: 1024 }, (_, i) => (n * 7919 + i * 104_729) % 4096);
  return { header, pixels, index: n };
});
const meta = { file: 'start_2024-07-25T04:34:06Z.dp_img16.bpp_2.module_1.seqno_0.pff', moduleId: 1, dataProduct: img16 };

/** Fresh images of every frame, as the file follower publishes them, encoded as the ring holds them. */
function images(): BroadcastImage[] {
  return frames.map((f) => {
    const image = broadcastImage({ moduleId: 1, kind: 'movie', file: meta.file, frameNumber: f.index, seenAt: 0 }, () => encodeFramePanoImage(f, meta), () => framePixelsOf(f, img16));
    image.encoded();
    return image;
  });
}

/** With --expose-gc: collects now, so garbage made before a measurement is not paid inside it. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** CPU µs per frame of `work` over every frame. */
function cpuPerFrame(work: () => number): number {
  collect();
  const t0 = process.cpuUsage();
  const check = work();
  const t = process.cpuUsage(t0);
  if (!(check > 0)) throw new Error('nothing computed');
  return (t.user + t.system) / FRAMES;
}

const fromPixels = (batch: BroadcastImage[]) => () => {
  const cache = new FrameRoiCache(() => 0);
  let sum = 0;
  for (const image of batch) sum += cache.statsOf(image, ROIS).values[0]!.sum;
  return sum + 1;
};
/** The former path: the same cache, its frame pixels decoded from the image's encoding (once per frame). */
const byDecoding = (batch: BroadcastImage[]) => {
  const decoding = batch.map((image): BroadcastImage => {
    let frame: FramePixels | undefined;
    return Object.assign(Object.create(image) as BroadcastImage, {
      framePixels: () => {
        if (!frame) {
          const parsed = parsePanoImage(PanoImage.decode(image.encoded()), { host: '' });
          frame = { pixels: parsed.pixels, rows: parsed.shape[0], cols: parsed.shape[1], time: null };
        }
        return frame;
      },
    });
  });
  return fromPixels(decoding);
};
const keepPixels = () => frames.reduce((n, f) => n + framePixelsOf(f, img16).pixels.length, 0);
const encode = () => frames.reduce((n, f) => n + encodeFramePanoImage(f, meta).length, 0);

const mmm = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return `${s[0]!.toFixed(2)} / ${s[Math.floor(s.length / 2)]!.toFixed(2)} / ${s.at(-1)!.toFixed(2)}`;
};
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

console.log(`ROI cost per img16 frame, ${ROIS.length} ROIs, ${FRAMES} frames a run; CPU µs min / median / max of ${RUNS} runs`);
console.log(`uptime: ${uptime()}`);
const rows = { fromPixels: [] as number[], byDecoding: [] as number[], ratio: [] as number[], keepPixels: [] as number[], encode: [] as number[] };
// One warm-up run, not counted: the JIT compiles every path first.
for (let r = -1; r < RUNS; r++) {
  const a = cpuPerFrame(fromPixels(images()));
  const b = cpuPerFrame(byDecoding(images()));
  const k = cpuPerFrame(keepPixels);
  const e = cpuPerFrame(encode);
  if (r < 0) continue;
  rows.fromPixels.push(a);
  rows.byDecoding.push(b);
  rows.ratio.push(b / a);
  rows.keepPixels.push(k);
  rows.encode.push(e);
}
console.log(`ROI stats from the frame's pixels (FrameRoiCache.statsOf): ${mmm(rows.fromPixels)} µs`);
console.log(`ROI stats by decoding the encoding again (the former path, same cache): ${mmm(rows.byDecoding)} µs; ratio former / now ${mmm(rows.ratio)}`);
console.log(`keeping the pixels and time (framePixelsOf): ${mmm(rows.keepPixels)} µs; encoding the frame (the ring's size needs it): ${mmm(rows.encode)} µs`);
console.log(`uptime: ${uptime()}`);
