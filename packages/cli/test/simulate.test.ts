// `daq simulate` as a real child process (built dist/bin.js: run `npx turbo run build` first).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameTime, parseDataFileName, timingPacket } from '@daqdata/core';
import { readPffFile } from '@daqdata/core/node';
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from './support/cli-process.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'daq-cli-sim-'));
  dirs.push(d);
  return d;
}

/** Every data file under dataDir/module_N/<run>/, with its parsed name. */
async function dataFiles(dataDir: string) {
  const out: Array<{ path: string; name: ReturnType<typeof parseDataFileName> }> = [];
  for (const m of await readdir(dataDir)) {
    for (const run of await readdir(join(dataDir, m))) {
      for (const f of await readdir(join(dataDir, m, run))) out.push({ path: join(dataDir, m, run, f), name: parseDataFileName(f) });
    }
  }
  return out;
}

describe('daq simulate', () => {
  it('writes a synthetic run as a recorder would, with rollover, and stops after --frames', async () => {
    const dir = await tempDir();
    const r = await runCli(['simulate', dir, '--synthetic', '--modules', '3,4', '--products', 'img8,ph1024', '--rate', '200', '--event-rate', '50', '--frames', '300', '--max-file-size', '40K']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/writing synthetic run for modules 3, 4 into .*\/module_N\/obs_sim\.start_.*Z\.runtype_sim\.pffd/);
    expect(r.stdout).toMatch(/done \(max-frames\): .* 300 frames/);
    const files = await dataFiles(dir);
    expect(new Set(files.map((f) => `${f.name.moduleId}/${f.name.dataProduct}`))).toEqual(new Set(['3/img8', '4/img8', '3/ph1024', '4/ph1024']));
    expect(Math.max(...files.map((f) => f.name.seqno))).toBeGreaterThan(0); // 40 KiB files roll over
    let frames = 0;
    for (const f of files) {
      const read = await readPffFile(f.path);
      expect(read.errors).toEqual([]);
      for (const fr of read.frames) expect(frameTime(timingPacket(fr.header)).wrSynchronised).toBe(true);
      frames += read.frames.length;
    }
    expect(frames).toBe(300);
  });

  it('replays the bundled archive until Ctrl-C, printing progress, and exits 0', async () => {
    const dir = await tempDir();
    const p = new CliProcess(['simulate', dir, '--speed', '20', '--progress', '0.2']);
    await p.waitFor('two progress lines', (out) => (out.match(/^\d+\.\d s: \d+ frames/gm) ?? []).length >= 2);
    p.kill('SIGINT');
    const r = await p.exited;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/writing replay run for modules 1, 254/);
    expect(r.stdout).toMatch(/done \(stopped\)/);
    const files = await dataFiles(dir);
    expect(new Set(files.map((f) => f.name.moduleId))).toEqual(new Set([1, 254]));
  });

  it('rejects contradictory or bad flags with a clear message and exit code 2', async () => {
    const dir = await tempDir();
    const both = await runCli(['simulate', dir, '--synthetic', '--archive', dir]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--synthetic and --archive contradict each other/);
    const product = await runCli(['simulate', dir, '--synthetic', '--products', 'img32']);
    expect(product.code).toBe(2);
    expect(product.stderr).toMatch(/data product "img32" is not one of img16, img8, ph256, ph1024/);
    const missing = await runCli(['simulate', dir, '--archive', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/archive .*nope: no such file or directory/);
    const rateOnReplay = await runCli(['simulate', dir, '--rate', '5']);
    expect(rateOnReplay.code).toBe(2);
    expect(rateOnReplay.stderr).toMatch(/--rate applies only to synthetic frames: add --synthetic/);
  });
});
