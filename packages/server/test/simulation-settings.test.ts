// InitHpIo(simulate_daq) honours the node's simulation setting (the reference's
// simulate_daq_cfg): the configured modules and products, played either into the node's own
// recorder sockets (mode uds, frames from uds_<dp>) or into files the node follows; and the
// --sim-* flags of the shipped daq-server (built dist/: run `npx turbo run build` first), so
// several simulated nodes serve distinct modules.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { DaqDataDefinition, PanoImage_Type } from '@daqdata/core';
import { createNodeSimulator } from '@daqdata/sim';
import { createChannel, createClient } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerChild } from '../src/bench/server-child.js';
import { resolveServerConfig } from '../src/config/server-config.js';
import { addServeOptions, flagsToOverrides, type ServeFlags } from '../src/daemon/serve-command.js';
import { startTestNode, StreamRecorder, tempDir, type Received } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const serverMain = join(here, '..', 'dist', 'bundle', 'daq-server.js');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A node with @daqdata/sim's simulator plugged in, as daq serve has. */
async function simulatingNode(config: Parameters<typeof startTestNode>[0]) {
  const node = await startTestNode(config, { simulator: createNodeSimulator({ speed: 4 }) });
  cleanups.push(() => node.stop());
  return node;
}

function parseFlags(argv: string[]): ServeFlags {
  const cmd = addServeOptions(new Command('daq-server')).exitOverride().configureOutput({ writeErr: () => undefined });
  cmd.parse(argv, { from: 'user' });
  return cmd.opts<ServeFlags>();
}

const kind = (t: PanoImage_Type) => (t === PanoImage_Type.MOVIE ? 'movie' : 'ph');
/** module/kind/file of every image received. */
const seen = (rs: Received[]) => new Set(rs.map((r) => r.response.panoImage!).map((p) => `${p.moduleId}/${kind(p.type)}/${p.file}`));

describe('simulation setting', () => {
  it('--sim-* flags fill the simulation setting; unset ones take the reference defaults; bad values are named', () => {
    expect(flagsToOverrides(parseFlags([])).simulation).toBeUndefined();
    expect(flagsToOverrides(parseFlags(['--sim-module-ids', '1,2']))).toMatchObject({
      simulation: { mode: 'filesystem', moduleIds: [1, 2], movieType: 'img16', phType: 'ph256', sourceData: null, framesPerFile: null, frameLimit: null },
    });
    const o = flagsToOverrides(parseFlags(['--sim-mode', 'uds', '--sim-movie-type', 'none', '--sim-ph-type', 'ph1024', '--sim-frames-per-file', '10', '--sim-frame-limit', '50']));
    expect(o.simulation).toEqual({ mode: 'uds', moduleIds: [], movieType: null, phType: 'ph1024', sourceData: null, framesPerFile: 10, frameLimit: 50 });
    expect(() => parseFlags(['--sim-movie-type', 'img32'])).toThrow(/Allowed choices are img16, img8, none/);
    const resolve = (argv: string[]) => resolveServerConfig([{ source: 'command line', values: flagsToOverrides(parseFlags(argv)) }]);
    expect(() => resolve(['--sim-module-ids', '1,x'])).toThrow(/^command line: "simulation" \.moduleIds\b/);
    expect(() => resolve(['--sim-module-ids', '70000'])).toThrow(/"simulation" \.moduleIds\b/);
    expect(() => resolve(['--sim-frame-limit', '0'])).toThrow(/"simulation" \.frameLimit\b.*positive integer/);
    expect(() => resolve(['--sim-frames-per-file', '1e12'])).toThrow(/"simulation" \.framesPerFile\b.*1000000000/);
  });

  it('mode uds: InitHpIo(simulate_daq) plays the recorder on the node\'s own sockets; a client gets the configured modules and products from uds_<dp>', async () => {
    const dir = await tempDir('daq-sim-uds-');
    const simNode = await simulatingNode({
      recorderSockets: { dataProducts: ['img16', 'ph256'], socketPathTemplate: join(dir, 'rec.dp_{dp_name}.sock'), readTimeoutSeconds: 60 },
      simulation: { mode: 'uds', moduleIds: [224, 225], movieType: 'img16', phType: 'ph256', sourceData: null, framesPerFile: null, frameLimit: null },
    });
    expect(await simNode.client.initHpIo({ simulateDaq: true, updateIntervalSeconds: 0.001, force: false, dataDir: '', moduleIds: [] })).toEqual({ success: true, errorMessage: '' });
    const stream = new StreamRecorder(simNode.client, { streamMovieData: true, streamPulseHeightData: true, updateIntervalSeconds: 0, moduleIds: [] });
    cleanups.push(() => stream.cancel());
    const wanted = ['224/movie/uds_img16', '224/ph/uds_ph256', '225/movie/uds_img16', '225/ph/uds_ph256'];
    await stream.until((rs) => wanted.every((k) => seen(rs).has(k)), 'both modules, both products', 30_000);
    expect([...seen(stream.received)].sort()).toEqual(wanted);
    await simNode.logs.waitFor(/recorder connected/);
    // Recorded (module 254) and synthetic (module 1) ph256 frames share one connection, framed alike.
    expect(simNode.logs.lines.filter((l) => /recorder stream problem|undecodable/.test(l))).toEqual([]);
  }, 60_000);

  it('mode uds without recorder sockets: InitHpIo fails with the reason, the node stays up', async () => {
    const node = await simulatingNode({ simulation: { mode: 'uds', moduleIds: [1], movieType: 'img16', phType: null, sourceData: null, framesPerFile: null, frameLimit: null } });
    const r = await node.client.initHpIo({ simulateDaq: true, updateIntervalSeconds: 0.001, force: false, dataDir: '', moduleIds: [] });
    expect(r.success).toBe(false);
    expect(r.errorMessage).toMatch(/simulation mode "uds" plays the recorder on this node's recorder sockets, but none are configured/);
    expect(await node.client.ping({})).toEqual({});
  });

  it('three daq-server processes with distinct --sim-module-ids: InitHpIo(simulate_daq) on each, a client sees exactly each node\'s modules', async () => {
    const moduleSets = [[11], [12, 13], [14, 15, 16]];
    const servers = await Promise.all(moduleSets.map((ids) => startServerChild(serverMain, ['--sim-module-ids', ids.join(','), '--sim-ph-type', 'none'])));
    for (const s of servers) cleanups.push(() => s.stop());
    const streams = servers.map((s) => {
      const channel = createChannel(`127.0.0.1:${s.port}`);
      cleanups.push(async () => channel.close());
      return createClient(DaqDataDefinition, channel);
    });
    for (const client of streams) expect(await client.initHpIo({ simulateDaq: true, updateIntervalSeconds: 0.001, force: false, dataDir: '', moduleIds: [] })).toEqual({ success: true, errorMessage: '' });
    const recorders = streams.map((client) => new StreamRecorder(client, { streamMovieData: true, streamPulseHeightData: true, updateIntervalSeconds: 0, moduleIds: [] }));
    for (const r of recorders) cleanups.push(() => r.cancel());
    await Promise.all(recorders.map((r, i) => r.until((rs) => moduleSets[i]!.every((m) => rs.some((x) => x.response.panoImage!.moduleId === m)), `modules ${moduleSets[i]}`, 30_000)));
    recorders.forEach((r, i) => {
      const images = r.images();
      expect(new Set(images.map((p) => p.moduleId))).toEqual(new Set(moduleSets[i]));
      // --sim-ph-type none: movie frames only.
      expect(new Set(images.map((p) => p.type))).toEqual(new Set([PanoImage_Type.MOVIE]));
    });
  }, 60_000);
});
