// Confinement of everything the watcher follows (issue 12 item 1): a symbolic link under
// data_dir that leads outside the allowed roots — a module directory, a run directory, a frame
// file, or a directory replaced by such a link while it is followed — is refused with one log
// line naming the link and its target, nothing behind it reaches a client, and the modules
// inside keep streaming. A link that stays inside the roots still works. Real server, real
// files, real client; "nothing from outside" is checked after a frame written inside *later*
// than the outside frames has arrived.
import { mkdir, realpath, rename, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatDataFileName } from '@daqdata/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_START, RecorderFile, StreamRecorder, hasFrame, runDir, startTestNode, streamsStarted, tempDir, type TestNode } from './helpers.js';

let node: TestNode;
let dataDir: string;
let outside: string;
const streams: StreamRecorder[] = [];
const files: RecorderFile[] = [];

beforeEach(async () => {
  node = await startTestNode();
  dataDir = join(node.root, 'data');
  await mkdir(dataDir);
  outside = await realpath(await tempDir('daq-outside-'));
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.cancel()));
  await Promise.all(files.splice(0).map((f) => f.close()));
  await node.stop();
  await rm(outside, { recursive: true, force: true });
});

async function recorderIn(dir: string, moduleId: number, seqno = 0): Promise<RecorderFile> {
  const f = await RecorderFile.create(dir, 'img16', moduleId, seqno);
  files.push(f);
  return f;
}

async function init(): Promise<void> {
  expect(await node.client.initHpIo({ dataDir, updateIntervalSeconds: 0.001 })).toEqual({ success: true, errorMessage: '' });
}

async function movieStream(): Promise<StreamRecorder> {
  const s = new StreamRecorder(node.client, { streamMovieData: true, streamPulseHeightData: false, updateIntervalSeconds: 0 });
  streams.push(s);
  await streamsStarted(node, streams.length);
  return s;
}

/** The refusal line for `link` leading to `target` (awaited: it may come from a later listing). */
function refusal(link: string, target: string): Promise<string> {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return node.logs.waitFor(new RegExp(`refused to follow a link .*link=${esc(link)} target=${esc(target)}`));
}

/** Writes frames inside after everything outside was written, and waits for them: anything leaked would have arrived by then. */
async function insideFramesArrive(s: StreamRecorder, inside: RecorderFile, moduleId: number): Promise<void> {
  const last = await inside.write(2);
  await s.until(hasFrame(moduleId, null, last), `inside frame ${last}`);
}

describe('confinement of what the watcher follows', () => {
  it('refuses a module directory that is a link to outside the roots; modules inside keep streaming', async () => {
    const inside = await recorderIn(await runDir(dataDir, 1), 1);
    await inside.write(1);
    const away = await recorderIn(await runDir(outside, 2), 2);
    await away.write(1);
    await symlink(join(outside, 'module_2'), join(dataDir, 'module_2'));
    await init();
    await refusal(join(dataDir, 'module_2'), join(outside, 'module_2'));
    const s = await movieStream();
    await away.write(3);
    await insideFramesArrive(s, inside, 1);
    expect(s.images().every((p) => p.moduleId === 1)).toBe(true);
    expect(node.logs.lines.filter((l) => /refused to follow/.test(l))).toHaveLength(1);
  });

  it('refuses a run directory that is a link to outside the roots', async () => {
    const inside = await recorderIn(await runDir(dataDir, 1), 1);
    await inside.write(1);
    const awayRun = await runDir(outside, 2);
    const away = await recorderIn(awayRun, 2);
    await away.write(1);
    const link = join(dataDir, 'module_2', awayRun.split('/').at(-1)!);
    await mkdir(dirname(link));
    await symlink(awayRun, link);
    await init();
    await refusal(link, awayRun);
    const s = await movieStream();
    await away.write(3);
    await insideFramesArrive(s, inside, 1);
    expect(s.images().every((p) => p.moduleId === 1)).toBe(true);
  });

  it('refuses a frame file that is a link to outside the roots, and keeps following the module\'s own file', async () => {
    const run = await runDir(dataDir, 2);
    const own = await recorderIn(run, 2, 0);
    await own.write(1);
    // Seqno 1 would be the module's newest file: it must not displace seqno 0.
    const away = await recorderIn(await runDir(outside, 2), 2, 1);
    await away.write(1);
    const link = join(run, formatDataFileName({ start: RUN_START, dataProduct: 'img16', moduleId: 2, seqno: 1 }));
    await symlink(away.path, link);
    await init();
    await refusal(link, away.path);
    const s = await movieStream();
    await away.write(3);
    const last = await own.write(2);
    await s.until(hasFrame(2, own.path.split('/').at(-1)!, last), `own frame ${last}`);
    expect(s.images().filter((p) => p.file === link.split('/').at(-1))).toEqual([]);
  });

  it('refuses a followed module directory replaced by a link to outside the roots (same names behind it)', async () => {
    const inside = await recorderIn(await runDir(dataDir, 1), 1);
    await inside.write(1);
    const moduleDir = join(dataDir, 'module_2');
    const followed = await recorderIn(await runDir(dataDir, 2), 2);
    await init();
    const s = await movieStream();
    const first = await followed.write(2);
    await s.until(hasFrame(2, null, first), `module 2 frame ${first}`);
    // Outside: the very same run directory and file names, so only where they lead differs.
    await rm(moduleDir, { recursive: true });
    const away = await recorderIn(await runDir(outside, 2), 2);
    await away.write(first + 5); // more frames than the inside file had: any of them would be new
    await symlink(join(outside, 'module_2'), moduleDir);
    await refusal(moduleDir, join(outside, 'module_2'));
    await away.write(3);
    const before = s.images().filter((p) => p.moduleId === 2).length;
    await insideFramesArrive(s, inside, 1);
    expect(s.images().filter((p) => p.moduleId === 2)).toHaveLength(before);
    expect(s.images().filter((p) => p.moduleId === 2).every((p) => p.frameNumber <= first)).toBe(true);
    // Once for the link, however many appends and listings followed.
    expect(node.logs.lines.filter((l) => l.includes(`link=${moduleDir} `))).toHaveLength(1);
  });

  it('refuses a followed frame file replaced by a link to outside the roots', async () => {
    const inside = await recorderIn(await runDir(dataDir, 1), 1);
    await inside.write(1);
    const followed = await recorderIn(await runDir(dataDir, 2), 2);
    await init();
    const s = await movieStream();
    const first = await followed.write(2);
    await s.until(hasFrame(2, null, first), `module 2 frame ${first}`);
    const away = await recorderIn(await runDir(outside, 2), 2);
    await away.write(first + 5);
    // A link of the same name takes the followed file's place (rename over it: no gap).
    const tmpLink = `${followed.path}.link`;
    await symlink(away.path, tmpLink);
    await rename(tmpLink, followed.path);
    await refusal(followed.path, away.path);
    await away.write(3);
    const before = s.images().filter((p) => p.moduleId === 2).length;
    await insideFramesArrive(s, inside, 1);
    expect(s.images().filter((p) => p.moduleId === 2)).toHaveLength(before);
    expect(s.images().filter((p) => p.moduleId === 2).every((p) => p.frameNumber <= first)).toBe(true);
  });

  it('follows links that stay inside the roots', async () => {
    const elsewhere = join(node.root, 'elsewhere');
    const linked = await recorderIn(await runDir(elsewhere, 3), 3);
    await linked.write(1);
    await symlink(join(elsewhere, 'module_3'), join(dataDir, 'module_3'));
    const run = await runDir(dataDir, 4);
    const target = await recorderIn(await runDir(elsewhere, 4, new Date(RUN_START.getTime() - 60_000)), 4, 0);
    await symlink(target.path, join(run, target.path.split('/').at(-1)!));
    await init();
    const s = await movieStream();
    const a = await linked.write(2);
    const b = await target.write(2);
    await s.until((r) => hasFrame(3, null, a)(r) && hasFrame(4, null, b)(r), 'frames through links inside the roots');
    expect(node.logs.lines.filter((l) => /refused to follow/.test(l))).toEqual([]);
  });
});
