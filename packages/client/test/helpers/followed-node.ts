// A DAQ node process following its own data directory with a ph256 file being written: the
// setup of the every-frame tests (images and ROI records), which kill and restart the node.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PffWriter } from '@daqdata/core/node';
import { startDaqNode, type DaqNodeProcess } from './daq-node-process.js';
import { headerFor, makeRunDir, openFrameFile, packet, pixelsFor } from './images.js';
import { until } from './wait.js';

export interface Followed {
  node: DaqNodeProcess;
  dataDir: string;
  writer: PffWriter;
  written: number;
}

/** A node process named `${name}-${moduleId}` following its own data directory, with a ph256 file for module `moduleId`; its cleanups go to `cleanups`. */
export async function followedNode(moduleId: number, name: string, cleanups: Array<() => Promise<unknown>>): Promise<Followed> {
  const dataDir = await mkdtemp(join(tmpdir(), `daq-client-${name}-`));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const writer = await openFrameFile(await makeRunDir(dataDir, moduleId), 'ph256', moduleId);
  cleanups.push(() => writer.close());
  const node = await startDaqNode({ dataRoot: dataDir, dataDir, name: `${name}-${moduleId}` });
  cleanups.push(() => node.kill());
  return { node, dataDir, writer, written: 0 };
}

/** Appends `n` frames: frame k has pixels pixelsFor('ph256', k) and a synchronised time 1000·k ns into its second. */
export async function write(f: Followed, n: number): Promise<void> {
  for (let i = 0; i < n; i++, f.written++) await f.writer.append(headerFor('ph256', packet(1_754_112_728, 1000 * f.written), f.written % 4), pixelsFor('ph256', f.written));
}

/** Resolves once the node serves `n` streams (it then reads every frame for them). */
export const serving = (node: DaqNodeProcess, n = 1) => until(`${node.address} serving ${n} stream(s)`, async () => (await node.activeStreams()) === n);
