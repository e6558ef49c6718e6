import { access, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { frameTime, parseDataFileName, whiteRabbitTime, type PffFrame, type QuaboPacket } from '@daqdata/core';
import { readPffFile } from '@daqdata/core/node';
import { describe, expect, it } from 'vitest';
import { replayTimeNs, scanArchive } from '../src/replay/archive.js';
import { DEFAULT_ARCHIVE, FIXTURES_DIR } from '../src/replay/default-archive.js';
import { loopPeriodNs } from '../src/replay/replay-timeline.js';
import type { TimedFrame } from '../src/schedule/timed-frame.js';
import { startSimulation } from '../src/simulation.js';
import { tempDir } from './temp-dir.js';

const REAL_PH256 = join(FIXTURES_DIR, 'pff', 'start_2025-08-02T05:31:36Z.dp_ph256.bpp_2.module_254.seqno_0.pff');
const SIM_RUN = join(FIXTURES_DIR, 'sim', 'module_1', 'obs_Sim.start_2025-08-02T06:00:00Z.runtype_sim.pffd');

/** Every complete frame of the given files, in order. */
async function framesOf(files: string[]): Promise<PffFrame[]> {
  const out: PffFrame[] = [];
  for (const f of files) out.push(...(await readPffFile(f)).frames);
  return out;
}

/** Files the simulation wrote for a module and data product, in seqno order. */
function filesFor(files: readonly string[], moduleId: number, dp: string): string[] {
  return files
    .filter((f) => f.includes(`/module_${moduleId}/`) && f.includes(`.dp_${dp}.`))
    .sort((a, b) => parseDataFileName(a).seqno - parseDataFileName(b).seqno);
}

function concat(frames: Array<{ raw: Uint8Array }>): Buffer {
  return Buffer.concat(frames.map((f) => f.raw));
}

describe('archive', () => {
  it('finds the bundled runs: the real unsynchronised ph256 file and the synthetic img16 + ph256 run', async () => {
    const archive = await scanArchive(DEFAULT_ARCHIVE);
    expect(archive.skipped).toEqual([]);
    const streams = archive.runs.flatMap((r) => r.streams.map((s) => ({ m: s.moduleId, dp: s.dataProduct, n: s.files.length, wr: s.whiteRabbit })));
    expect(streams).toEqual(
      expect.arrayContaining([
        { m: 254, dp: 'ph256', n: 1, wr: false },
        { m: 1, dp: 'img16', n: 2, wr: true },
        { m: 1, dp: 'ph256', n: 1, wr: true },
      ]),
    );
    expect(streams).toHaveLength(3);
  });

  it('names the missing path, and skips an unreadable file with its reason while replaying the rest', async () => {
    await expect(scanArchive(['/nonexistent/archive'])).rejects.toThrow(/archive \/nonexistent\/archive: no such file or directory/);
    const dir = await tempDir();
    await copyFile(REAL_PH256, join(dir, 'start_2025-08-02T05:31:36Z.dp_ph256.bpp_2.module_254.seqno_0.pff'));
    await writeFile(join(dir, 'start_2025-08-02T05:31:36Z.dp_img16.bpp_2.module_3.seqno_0.pff'), 'not a frame');
    await writeFile(join(dir, 'start_2025-08-02T05:31:36Z.dp_img99.bpp_2.module_3.seqno_0.pff'), '');
    const archive = await scanArchive([dir]);
    expect(archive.runs.flatMap((r) => r.streams.map((s) => s.moduleId))).toEqual([254]);
    expect(archive.skipped.map((s) => s.reason).join('\n')).toMatch(/header does not start with '\{'/);
    expect(archive.skipped.map((s) => s.reason).join('\n')).toMatch(/unknown data product "img99"/);
    const empty = await tempDir();
    await expect(scanArchive([empty])).rejects.toThrow(/no readable PFF frame files/);
  });
});

describe('archive replay', () => {
  it('writes every archived frame byte-identical, for several modules and both image types at once, with rollover', async () => {
    const dir = await tempDir();
    const sim = await startSimulation({ dataDir: dir, speed: Infinity, source: { kind: 'replay', loop: false }, maxFileBytes: 100_000 });
    const result = await sim.done;
    expect(result.ended).toBe('timeline-end');
    expect(sim.moduleIds).toEqual([1, 254]);
    const files = result.written.files;
    // 56 kB of real ph256 stays in one file; 760 kB of img16 rolls over at 100 kB.
    expect(filesFor(files, 254, 'ph256')).toHaveLength(1);
    expect(filesFor(files, 1, 'img16').length).toBeGreaterThanOrEqual(8);
    const pairs: Array<[string[], string[]]> = [
      [[REAL_PH256], filesFor(files, 254, 'ph256')],
      [[join(SIM_RUN, 'start_2025-08-02T06:00:00Z.dp_img16.bpp_2.module_1.seqno_0.pff'), join(SIM_RUN, 'start_2025-08-02T06:00:00Z.dp_img16.bpp_2.module_1.seqno_1.pff')], filesFor(files, 1, 'img16')],
      [[join(SIM_RUN, 'start_2025-08-02T06:00:00Z.dp_ph256.bpp_2.module_1.seqno_0.pff')], filesFor(files, 1, 'ph256')],
    ];
    for (const [archived, replayed] of pairs) {
      const a = await framesOf(archived);
      expect(a.length).toBeGreaterThan(20);
      expect(concat(await framesOf(replayed)).equals(concat(a))).toBe(true);
      // And the replayed files hold nothing but whole frames.
      expect(Buffer.concat(await Promise.all(replayed.map((f) => readFile(f)))).equals(concat(a))).toBe(true);
    }
    await sim.stop();
    await access(dir); // a directory the caller gave is kept
  });

  it('remaps archive modules, one archive module feeding several simulated ones; unmapped modules are left out', async () => {
    const dir = await tempDir();
    const warnings: string[] = [];
    const sim = await startSimulation({
      dataDir: dir,
      speed: Infinity,
      source: { kind: 'replay', archive: [join(FIXTURES_DIR, 'pff')], loop: false, moduleMap: { 254: [7, 8] } },
      onWarning: (w) => warnings.push(w),
    });
    const { written } = await sim.done;
    expect(sim.moduleIds).toEqual([7, 8]);
    const archived = concat(await framesOf([REAL_PH256]));
    expect(concat(await framesOf(filesFor(written.files, 7, 'ph256'))).equals(archived)).toBe(true);
    expect(concat(await framesOf(filesFor(written.files, 8, 'ph256'))).equals(archived)).toBe(true);
    expect(written.files.every((f) => /\/module_[78]\//.test(f))).toBe(true);
    await sim.stop();

    await expect(startSimulation({ dataDir: dir, source: { kind: 'replay', moduleMap: { 99: 1 } }, onWarning: (w) => warnings.push(w) })).rejects.toThrow(
      /module map leaves no module to replay \(archive modules: 1, 254\)/,
    );
    expect(warnings).toContain('archive module 254 is not in the module map: not replayed');
  });

  it('loops: after the last frame the run starts over, one mean frame spacing later', async () => {
    const archive = await scanArchive([join(FIXTURES_DIR, 'pff')]);
    const run = archive.runs[0]!;
    const seen: TimedFrame[] = [];
    const sim = await startSimulation({
      speed: Infinity,
      source: { kind: 'replay', archive: [join(FIXTURES_DIR, 'pff')], loop: true },
      maxFrames: 2 * run.frameCount + 3,
      onFrame: (f) => seen.push(f),
    });
    const result = await sim.done;
    expect(result.ended).toBe('max-frames');
    const n = run.frameCount;
    const period = loopPeriodNs(run);
    expect(period).toBeGreaterThan(run.lastNs - run.firstNs);
    for (let i = 0; i < n + 3; i++) {
      expect(Buffer.from(seen[n + i]!.bytes).equals(Buffer.from(seen[i]!.bytes))).toBe(true);
      expect(seen[n + i]!.offsetNs).toBe(seen[i]!.offsetNs + period);
    }
    await sim.stop();
  });

  it('removes its private temporary run directory on stop, even mid-run', async () => {
    let firstWritten!: () => void;
    const written = new Promise<void>((r) => (firstWritten = r));
    const sim = await startSimulation({ source: { kind: 'replay' }, onFrame: () => firstWritten() });
    await written;
    await access(sim.dataDir);
    const files = sim.written().files;
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.startsWith(sim.dataDir))).toBe(true);
    await sim.stop();
    await expect(access(sim.dataDir)).rejects.toThrow(/ENOENT/);
    expect((await sim.done).ended).toBe('aborted');
    await sim.stop(); // idempotent
  });
});

describe('replay cadence', () => {
  /**
   * Replays the synthetic run (archive module 1: frames 50 ms apart, WR-timed) and records
   * when each frame was written and its own timestamp, for comparing their spacings.
   */
  async function cadence(speed: number, durationMs: number, moduleMap: Record<number, number> = { 1: 1 }) {
    const writes: Array<{ at: number; ns: bigint; bytes: Uint8Array }> = [];
    const sim = await startSimulation({
      speed,
      durationMs,
      source: { kind: 'replay', loop: true, moduleMap },
      onFrame: (f, _due, writtenMs) => writes.push({ at: writtenMs, ns: replayTimeNs({ header: JSON.parse(new TextDecoder().decode(f.bytes.subarray(0, f.bytes.indexOf(0x2a)))) }), bytes: f.bytes }),
    });
    const result = await sim.done;
    await sim.stop();
    return { writes, result };
  }

  it.each([
    [1, 1_200],
    [10, 1_400], // 14 s of the 15 s run: one pass, no loop wrap
  ])('at speed %d the writes keep the frames order and their relative spacing', async (speed, durationMs) => {
    const { writes, result } = await cadence(speed, durationMs);
    expect(result.ended).toBe('duration');
    expect(writes.length).toBeGreaterThan(20);
    const t0 = writes[0]!.ns;
    for (let i = 1; i < writes.length; i++) {
      expect(writes[i]!.ns).toBeGreaterThanOrEqual(writes[i - 1]!.ns); // frame time order
      expect(writes[i]!.at).toBeGreaterThanOrEqual(writes[i - 1]!.at);
      // Never early: a frame is written no sooner than its timestamp says, scaled by speed,
      // counted from the replay's start (when the first frame was due).
      const dueMs = Number(writes[i]!.ns - t0) / 1e6 / speed;
      expect(writes[i]!.at).toBeGreaterThanOrEqual(dueMs - 1);
    }
    // Relative spacing: the wall span of the writes matches the timestamp span / speed.
    const last = writes[writes.length - 1]!;
    const expectedSpan = Number(last.ns - t0) / 1e6 / speed;
    const actualSpan = last.at;
    expect(actualSpan / expectedSpan).toBeGreaterThan(0.97);
    expect(actualSpan / expectedSpan).toBeLessThan(1.3);
  });

  it('the real run, whose White Rabbit clock is unsynchronised, is paced by its arrival clock', async () => {
    // 629 s of events at speed 1000: one pass in about 0.63 s.
    const speed = 1000;
    const { writes, result } = await cadence(speed, 500, { 254: 254 });
    expect(result.ended).toBe('duration');
    expect(writes.length).toBeGreaterThan(20);
    // The timestamps the writes follow are the arrival clock (tv_sec, tv_usec), read here from the raw header.
    const arrivalNs = writes.map((w) => {
      const h = JSON.parse(new TextDecoder().decode(w.bytes.subarray(0, w.bytes.indexOf(0x2a)))) as QuaboPacket;
      expect(whiteRabbitTime(h).synchronised).toBe(false);
      return frameTime(h).arrivalUnixNs;
    });
    expect(writes.map((w) => w.ns)).toEqual(arrivalNs);
    const t0 = arrivalNs[0]!;
    for (let i = 1; i < writes.length; i++) {
      expect(arrivalNs[i]!).toBeGreaterThanOrEqual(arrivalNs[i - 1]!);
      expect(writes[i]!.at).toBeGreaterThanOrEqual(Number(arrivalNs[i]! - t0) / 1e6 / speed - 1);
    }
    const span = Number(arrivalNs.at(-1)! - t0) / 1e6 / speed;
    expect(writes.at(-1)!.at / span).toBeGreaterThan(0.97);
    expect(writes.at(-1)!.at / span).toBeLessThan(1.3);
  });
});
