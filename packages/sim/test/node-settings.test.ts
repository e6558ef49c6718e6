// The node's simulation settings (the reference's simulate_daq_cfg) applied by the simulator:
// which modules and products it writes, how many frames per file, when it stops, which files
// it replays, and where it sends frames (files, or the node's recorder sockets).
import { readdir } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { classifyFile } from '@daqdata/core';
import { PffFile } from '@daqdata/core/node';
import { describe, expect, it } from 'vitest';
import { nodeSimulationOptions, type NodeSimulationSettings } from '../src/daq-simulator.js';
import { DEFAULT_ARCHIVE, FIXTURES_DIR } from '../src/replay/default-archive.js';
import { scanArchive, streamFrames } from '../src/replay/archive.js';
import { startSimulation } from '../src/simulation.js';
import { tempDir } from './temp-dir.js';

const settings = (s: Partial<NodeSimulationSettings> = {}): NodeSimulationSettings => ({
  mode: 'filesystem',
  moduleIds: [],
  movieType: 'img16',
  phType: 'ph256',
  sourceData: null,
  framesPerFile: null,
  frameLimit: null,
  ...s,
});

/** Every frame file under a data directory: module, product, seqno, frame count. */
async function framesWritten(dataDir: string): Promise<Array<{ moduleId: number; dataProduct: string; seqno: number; frames: number; path: string }>> {
  const out = [];
  for (const mod of await readdir(dataDir)) {
    for (const run of await readdir(join(dataDir, mod))) {
      for (const name of await readdir(join(dataDir, mod, run))) {
        const path = join(dataDir, mod, run, name);
        const c = classifyFile(path);
        if (c.kind === 'not-frames') continue;
        const f = await PffFile.open(path);
        out.push({ moduleId: c.name.moduleId, dataProduct: c.name.dataProduct, seqno: c.name.seqno, frames: await f.frameCount(), path });
        await f.close();
      }
    }
  }
  return out.sort((a, b) => a.moduleId - b.moduleId || a.dataProduct.localeCompare(b.dataProduct) || a.seqno - b.seqno);
}

/** Runs a node simulation to its frame limit, as fast as the disk allows; returns what it wrote. */
async function runToLimit(s: NodeSimulationSettings, moduleIds: number[] = []) {
  const dataDir = await tempDir();
  const sim = await startSimulation({ ...nodeSimulationOptions({ speed: Infinity }, { moduleIds, settings: s }), dataDir });
  const result = await sim.done;
  await sim.stop();
  expect(result.ended).toBe('timeline-end');
  return framesWritten(dataDir);
}

const streamsOf = (files: Array<{ moduleId: number; dataProduct: string }>) => [...new Set(files.map((f) => `${f.moduleId}/${f.dataProduct}`))].sort();

describe('simulation settings (simulate_daq_cfg)', () => {
  it('writes the settings\' modules with the movie and pulse-height products they name, frameLimit frames each', async () => {
    const files = await runToLimit(settings({ moduleIds: [224, 225], frameLimit: 3 }));
    expect(streamsOf(files)).toEqual(['224/img16', '224/ph256', '225/img16', '225/ph256']);
    for (const s of streamsOf(files)) expect(files.filter((f) => `${f.moduleId}/${f.dataProduct}` === s).reduce((n, f) => n + f.frames, 0)).toBe(3);
  });

  it('InitHpIo\'s module ids win over the settings\' modules', async () => {
    const files = await runToLimit(settings({ moduleIds: [224], frameLimit: 1 }), [5]);
    expect(streamsOf(files)).toEqual(['5/img16', '5/ph256']);
  });

  it('null movieType or phType leaves that kind out; products the archive lacks are generated', async () => {
    expect(streamsOf(await runToLimit(settings({ moduleIds: [3], movieType: null, frameLimit: 2 })))).toEqual(['3/ph256']);
    expect(streamsOf(await runToLimit(settings({ moduleIds: [3], movieType: 'img8', phType: 'ph1024', frameLimit: 2 })))).toEqual(['3/img8', '3/ph1024']);
    expect(() => nodeSimulationOptions({}, { moduleIds: [], settings: settings({ movieType: null, phType: null }) })).toThrow(/movieType and phType are both null/);
  });

  it('framesPerFile starts the next seqno file after that many frames', async () => {
    const files = await runToLimit(settings({ moduleIds: [4], movieType: 'img16', phType: null, framesPerFile: 2, frameLimit: 5 }));
    expect(files.map((f) => [f.seqno, f.frames])).toEqual([
      [0, 2],
      [1, 2],
      [2, 1],
    ]);
  });

  it('sourceData replays the given files, only realModuleId\'s frames, onto the simulated modules, byte for byte', async () => {
    const ph = join(FIXTURES_DIR, 'pff', 'start_2025-08-02T05:31:36Z.dp_ph256.bpp_2.module_254.seqno_0.pff');
    const sourceData = { realModuleId: 254, moviePffPath: null, phPffPath: ph };
    const files = await runToLimit(settings({ moduleIds: [7, 8], movieType: null, sourceData, frameLimit: 4 }));
    expect(streamsOf(files)).toEqual(['7/ph256', '8/ph256']);
    const archive = await scanArchive([ph]);
    const expected: string[] = [];
    for await (const f of streamFrames(archive.runs[0]!.streams[0]!)) if (expected.length < 4) expected.push(Buffer.from(f.raw).toString('base64'));
    for (const file of files) {
      const pff = await PffFile.open(file.path);
      const got = await Promise.all(Array.from({ length: file.frames }, async (_, k) => Buffer.from((await pff.readFrame(k)).raw).toString('base64')));
      await pff.close();
      expect(got).toEqual(expected);
    }
    await expect(startSimulation(nodeSimulationOptions({}, { moduleIds: [], settings: settings({ sourceData: { ...sourceData, realModuleId: 99 } }) }))).rejects.toThrow(/archive has no frames of module 99 \(it holds module 254\)/);
  });

  it('mode uds is refused without recorder sockets, or without a socket for a simulated product', () => {
    expect(() => nodeSimulationOptions({}, { moduleIds: [], settings: settings({ mode: 'uds' }), recorderSockets: null })).toThrow(/mode "uds" .* none are configured: set recorderSockets/);
    expect(() => nodeSimulationOptions({}, { moduleIds: [], settings: settings({ mode: 'uds' }), recorderSockets: { dataProducts: ['img16'], socketPathTemplate: '/tmp/x_{dp_name}' } })).toThrow(/no recorder socket for ph256/);
  });

  it('mode uds sends [2-byte big-endian module id][frame] on one connection per product, then hangs up', async () => {
    const dir = await tempDir();
    const received = new Map<string, Buffer[]>();
    const closed: Array<Promise<void>> = [];
    const servers = ['img16', 'ph256'].map((dp) => {
      const server = createServer((socket: Socket) => {
        const chunks: Buffer[] = [];
        received.set(dp, chunks);
        closed.push(new Promise((r) => socket.on('end', () => r())));
        socket.on('data', (c: Buffer) => chunks.push(c));
      });
      server.listen(join(dir, `rec_${dp}.sock`));
      return server;
    });
    await Promise.all(servers.map((s) => new Promise((r) => (s.listening ? r(undefined) : s.once('listening', r)))));
    const recorderSockets = { dataProducts: ['img16', 'ph256'], socketPathTemplate: join(dir, 'rec_{dp_name}.sock') };
    const sim = await startSimulation(nodeSimulationOptions({ speed: Infinity }, { moduleIds: [300], settings: settings({ mode: 'uds', frameLimit: 2 }), recorderSockets }));
    expect(await sim.done).toMatchObject({ ended: 'timeline-end', frames: 4 });
    expect(await readdir(sim.dataDir)).toEqual([]); // no files: the frames went to the sockets
    await sim.stop();
    await Promise.all(closed);
    servers.forEach((s) => s.close());

    // What the archive's module 1 holds, first frames of each product (module 300 replays module 1).
    const archive = await scanArchive(DEFAULT_ARCHIVE);
    for (const dp of ['img16', 'ph256']) {
      const stream = archive.runs.flatMap((r) => r.streams).find((s) => s.moduleId === 1 && s.dataProduct === dp)!;
      const frames: Buffer[] = [];
      for await (const f of streamFrames(stream)) if (frames.length < 2) frames.push(Buffer.from(f.raw));
      const prefix = Buffer.from([300 >> 8, 300 & 0xff]);
      expect(Buffer.concat(received.get(dp)!)).toEqual(Buffer.concat(frames.flatMap((f) => [prefix, f])));
    }
  });
});
