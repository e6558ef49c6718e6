import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_PRODUCTS, checkHeaderFields, encodeFrame, frameTime, MODULE_SIZE, placeQuaboImage, QUABO_SIZE, quaboAtModulePixel, quaboQuadrant, timingPacket, whiteRabbitTime, type DataProduct, type FlatHeader, type QuaboHeader } from '@daqdata/core';
import { readPffFile } from '@daqdata/core/node';
import { describe, expect, it } from 'vitest';
import { RunWriter } from '../src/run/run-writer.js';
import { drawAmplitude, drawEvent, moduleImage, PH_MAX, PH_THRESHOLD, quaboImage } from '../src/synth/pulse-height.js';
import { seededRandom } from '../src/synth/random.js';
import { syntheticFrames, type SimFrame } from '../src/synth/synthetic-stream.js';
import { syntheticTimeline } from '../src/synth/synthetic-timeline.js';
import { tempDir } from './temp-dir.js';

const START_NS = 1_754_114_400_000_000_000n;
const ALL: DataProduct[] = ['img16', 'img8', 'ph256', 'ph1024'];

function take(dp: DataProduct, n: number, extra: { firstPktNum?: number; rate?: number; startNs?: bigint } = {}): SimFrame[] {
  const it = syntheticFrames({ moduleId: 3, dataProduct: dp, startNs: extra.startNs ?? START_NS, rate: extra.rate ?? 100, seed: 7, ...(extra.firstPktNum !== undefined ? { firstPktNum: extra.firstPktNum } : {}) });
  return Array.from({ length: n }, () => it.next().value);
}

describe('synthetic frames', () => {
  it.each(ALL)('%s frames written through the run writer parse with the core reader, header and pixels intact', async (dp) => {
    const dir = await tempDir();
    const frames = take(dp, 40);
    const writer = new RunWriter({ dataDir: dir, start: new Date(Number(START_NS / 1_000_000n)) });
    for (const f of frames) await writer.write(f.moduleId, f.dataProduct, encodeFrame(f.header, f.pixels, DATA_PRODUCTS[dp]));
    await writer.close();
    expect(writer.written.files).toHaveLength(1);
    const read = await readPffFile(writer.written.files[0]!);
    expect(read.errors).toEqual([]);
    expect(read.name.dataProduct).toBe(dp);
    expect(read.name.moduleId).toBe(3);
    expect(read.frames).toHaveLength(40);
    read.frames.forEach((r, i) => {
      expect(r.header).toEqual(frames[i]!.header);
      expect(Array.from(r.pixels)).toEqual(Array.from(frames[i]!.pixels));
      expect('problem' in checkHeaderFields(r.header, DATA_PRODUCTS[dp])).toBe(false);
    });
  });

  it.each(ALL)('%s White Rabbit times are synchronised, equal to the frame time, and strictly increasing', (dp) => {
    // Start just before a second boundary so arrival (tv_sec) crosses it while pkt_tai does not.
    const frames = take(dp, 300, { rate: 1000, startNs: START_NS + 999_990_000n });
    let previous = -1n;
    for (const f of frames) {
      const packets = 'quabo_num' in f.header ? [f.header as FlatHeader] : Object.values(f.header as QuaboHeader);
      for (const p of packets) {
        const wr = whiteRabbitTime(p);
        expect(wr).toEqual({ synchronised: true, unixNs: f.timeNs });
        const t = frameTime(p);
        // Arrival a few microseconds after the WR time.
        expect(t.arrivalUnixNs - f.timeNs).toBeGreaterThan(0n);
        expect(t.arrivalUnixNs - f.timeNs).toBeLessThan(20_000n);
      }
      expect(f.timeNs).toBeGreaterThan(previous);
      previous = f.timeNs;
    }
  });

  it('movie frames come at exactly the configured frame rate', () => {
    const frames = take('img16', 50, { rate: 250 });
    frames.forEach((f, k) => expect(f.timeNs - START_NS).toBe(BigInt(k) * 4_000_000n));
  });

  it.each(['img16', 'img8', 'ph1024'] as const)('%s pkt_num increases by one per frame and wraps at 16 bits', (dp) => {
    const frames = take(dp, 20, { firstPktNum: 65_530 });
    const q0 = frames.map((f) => (f.header as QuaboHeader).quabo_0.pkt_num);
    expect(q0).toEqual([65_530, 65_531, 65_532, 65_533, 65_534, 65_535, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('ph256 counts packets per quabo, and each quabo counter wraps at 16 bits', () => {
    const frames = take('ph256', 200, { firstPktNum: 65_500 });
    const byQuabo = new Map<number, number[]>();
    for (const f of frames) {
      const h = f.header as FlatHeader;
      byQuabo.set(h.quabo_num, [...(byQuabo.get(h.quabo_num) ?? []), h.pkt_num]);
    }
    expect([...byQuabo.keys()].sort()).toEqual([0, 1, 2, 3]);
    let wrapped = 0;
    for (const nums of byQuabo.values()) {
      for (let i = 1; i < nums.length; i++) {
        expect(nums[i]).toBe((nums[i - 1]! + 1) % 65_536);
        if (nums[i] === 0) wrapped++;
      }
    }
    expect(wrapped).toBeGreaterThan(0);
  });

  it('the same seed gives the same frames; another seed different ones', () => {
    const a = take('img16', 5);
    const b = take('img16', 5);
    expect(b).toEqual(a);
    const c = syntheticFrames({ moduleId: 3, dataProduct: 'img16', startNs: START_NS, rate: 100, seed: 8 }).next().value;
    expect(Array.from(c.pixels)).not.toEqual(Array.from(a[0]!.pixels));
  });

  it('movie frames show a noisy background and bright stars that drift', () => {
    const frames = take('img16', 1001, { rate: 100 }); // 10 s
    const first = frames[0]!.pixels;
    const last = frames[1000]!.pixels;
    const sorted = Array.from(first).sort((x, y) => x - y);
    const median = sorted[512]!;
    expect(median).toBeGreaterThan(200);
    expect(median).toBeLessThan(400);
    expect(new Set(sorted.slice(0, 700)).size).toBeGreaterThan(10); // Poisson noise, not a flat field
    expect(sorted[1023]!).toBeGreaterThan(5 * median); // stars
    const brightest = (px: ArrayLike<number>) => Array.from(px).indexOf(Math.max(...Array.from(px)));
    expect(brightest(last)).not.toBe(brightest(first));
  });

  it('ph256 events are compact blobs within the 16x16 quadrant on a near-zero baseline', () => {
    for (const f of take('ph256', 50)) {
      const px = Array.from(f.pixels);
      expect(px).toHaveLength(QUABO_SIZE * QUABO_SIZE);
      const peak = Math.max(...px);
      expect(peak).toBeGreaterThan(PH_THRESHOLD / 2);
      // Compact: only a few pixels carry more than a third of the peak.
      expect(px.filter((v) => v > peak / 3).length).toBeLessThanOrEqual(16);
      expect(px.some((v) => v < 0)).toBe(true); // signed, pedestal-subtracted noise
    }
  });

  it('ph1024 puts the blob in the quadrant of exactly one quabo', () => {
    for (const f of take('ph1024', 40)) {
      const px = f.pixels;
      let peak = 0;
      let at = 0;
      px.forEach((v, i) => {
        if (v > peak) [peak, at] = [v, i];
      });
      const quabo = quaboAtModulePixel(Math.floor(at / MODULE_SIZE), at % MODULE_SIZE);
      // Every other quadrant holds only baseline noise.
      for (let i = 0; i < px.length; i++) {
        if (quaboAtModulePixel(Math.floor(i / MODULE_SIZE), i % MODULE_SIZE) !== quabo) expect(Math.abs(px[i]!)).toBeLessThan(60);
      }
    }
  });

  it("an event's ph256 image, placed with core's mapping, peaks at the same module pixel as its ph1024 image", () => {
    const random = seededRandom(11);
    const quabos = new Set<number>();
    for (let k = 0; k < 40; k++) {
      const event = drawEvent(random);
      quabos.add(event.quabo);
      const placed = placeQuaboImage(quaboImage(event, random), event.quabo, new Array<number>(MODULE_SIZE * MODULE_SIZE).fill(-Infinity));
      const module = Array.from(moduleImage(event, random));
      const peakOf = (px: number[]) => px.indexOf(Math.max(...px));
      const at = peakOf(module);
      // Noise can move a faint blob's peak by a pixel: compare within one pixel.
      expect(Math.abs(Math.floor(at / MODULE_SIZE) - Math.floor(peakOf(placed) / MODULE_SIZE))).toBeLessThanOrEqual(1);
      expect(Math.abs((at % MODULE_SIZE) - (peakOf(placed) % MODULE_SIZE))).toBeLessThanOrEqual(1);
      const { rowOffset, colOffset } = quaboQuadrant(event.quabo);
      expect(Math.floor(at / MODULE_SIZE) - rowOffset).toBeGreaterThanOrEqual(0);
      expect(Math.floor(at / MODULE_SIZE) - rowOffset).toBeLessThan(QUABO_SIZE);
      expect((at % MODULE_SIZE) - colOffset).toBeGreaterThanOrEqual(0);
      expect((at % MODULE_SIZE) - colOffset).toBeLessThan(QUABO_SIZE);
    }
    expect(quabos).toEqual(new Set([0, 1, 2, 3]));
  });

  it('pulse heights follow a falling power-law spectrum above the threshold', () => {
    const random = seededRandom(1);
    const a = Array.from({ length: 20_000 }, () => drawAmplitude(random));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(PH_THRESHOLD);
    expect(Math.max(...a)).toBeLessThanOrEqual(PH_MAX);
    const bin = (lo: number, hi: number) => a.filter((v) => v >= lo && v < hi).length;
    // Integral spectrum N(>A) ~ A^-1.7: each doubling of A keeps ~31% of the events.
    const ratio = bin(300, 600) / bin(150, 300);
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThan(0.37);
  });

  it('a multi-module timeline interleaves modules and products in time order', async () => {
    const timeline = syntheticTimeline({ modules: [1, 2], dataProducts: ['img8', 'ph256'], frameRate: 50, eventRate: 20, startNs: START_NS, seed: 3 });
    const seen: Array<{ m: number; dp: string; at: bigint }> = [];
    for await (const f of timeline) {
      seen.push({ m: f.moduleId, dp: f.dataProduct, at: f.offsetNs });
      if (seen.length === 400) break;
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.at >= seen[i - 1]!.at).toBe(true);
    expect(new Set(seen.map((s) => `${s.m}/${s.dp}`))).toEqual(new Set(['1/img8', '2/img8', '1/ph256', '2/ph256']));
  });
});

describe('bundled synthetic fixture', () => {
  it('is exactly what the fixture builder writes (so it can be regenerated)', async () => {
    const { writeSimFixture } = await import('../src/fixture/sim-fixture.js');
    const { FIXTURES_DIR } = await import('../src/replay/default-archive.js');
    const { readFile } = await import('node:fs/promises');
    const dir = await tempDir();
    const written = await writeSimFixture(dir);
    expect(written.files.length).toBeGreaterThanOrEqual(3); // img16 seqno 0 and 1, ph256
    let total = 0;
    for (const file of written.files) {
      const rel = file.slice(dir.length);
      const committed = await readFile(join(FIXTURES_DIR, 'sim', rel));
      expect(Buffer.compare(committed, await readFile(file))).toBe(0);
      total += committed.length;
    }
    expect(total).toBeLessThan(2 * 1024 * 1024);
    const runDirs = await readdir(join(FIXTURES_DIR, 'sim', 'module_1'));
    expect(runDirs).toEqual(['obs_Sim.start_2025-08-02T06:00:00Z.runtype_sim.pffd']);
    const files = await readdir(join(FIXTURES_DIR, 'sim', 'module_1', runDirs[0]!));
    expect(files).toContain('hk.pff');
    for (const f of written.files) {
      const read = await readPffFile(f);
      expect(read.errors).toEqual([]);
      for (const fr of read.frames) expect(frameTime(timingPacket(fr.header)).wrSynchronised).toBe(true);
    }
  });
});

describe('Poisson sampler', () => {
  it.each([
    [0.5, 'poisson'],
    [12, 'poisson'],
    [29.5, 'poisson'],
    [300, 'poisson'],
    [0.5, 'poissonSampler'],
    [12, 'poissonSampler'],
    [29.5, 'poissonSampler'],
  ] as const)('mean %d via %s: mean and variance equal to the mean', (mean, how) => {
    const random = seededRandom(42);
    const n = 40_000;
    const draw = how === 'poisson' ? () => random.poisson(mean) : random.poissonSampler(mean);
    const draws = Array.from({ length: n }, draw);
    const m = draws.reduce((a, b) => a + b, 0) / n;
    const v = draws.reduce((a, b) => a + (b - m) ** 2, 0) / n;
    expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(mean / n));
    expect(v / mean).toBeGreaterThan(0.95);
    expect(v / mean).toBeLessThan(1.05);
    expect(draws.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
  });
});
