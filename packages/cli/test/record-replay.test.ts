// `daq record` then `daq replay`: images round-trip exactly, to stdout and through
// UploadImages into another node; and bad record files are reported by file and record.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePanoImage, type PanoImage } from '@daqdata/core';
import { EXIT } from '../src/exit-codes.js';
import { imageJson } from '../src/output/image-output.js';
import { readRecordFile } from '@daqdata/core/node';
import { CliProcess, runCli } from './support/cli-process.js';
import { movieImage, ph256Image } from './support/pano-images.js';
import { startTestNode, tempDir, type TestNode } from './support/test-node.js';

let source: TestNode;
let target: TestNode;
let dir: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startTestNode(), startTestNode()]);
  dir = await tempDir();
});

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

// Distinct (module, type) pairs, so the node's per-module throttle keeps every one.
const images: PanoImage[] = [movieImage(1, 3), ph256Image(1, 0, 3), movieImage(2, 4), ph256Image(2, 1, 4), movieImage(254, 5), ph256Image(254, 3, 5)];
const byKey = (img: { moduleId: number; type: unknown }) => `${img.moduleId}/${String(img.type)}`;

/** The parsed fields that must survive record + replay, without what a hop changes. */
function stable(o: Record<string, unknown>): Record<string, unknown> {
  const { host: _h, serverTimestamp: _s, ...rest } = o;
  return rest;
}

describe('record and replay', () => {
  const file = () => join(dir, 'images.daqrec');

  it('records images with progress on stderr, and the file holds them exactly', async () => {
    const p = new CliProcess(['record', file(), '--host', source.address, '--count', String(images.length), '--refresh-period', '0.01', '--log-level', 'info']);
    await p.waitFor('the stream to connect', (_o, e) => e.includes('connected'));
    await source.upload(images);
    const r = await p.exited;
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).toMatch(new RegExp(`recorded ${images.length} images \\(\\d+ bytes\\) to ${file().replace(/[.]/g, '\\.')}`));

    const recorded = [];
    for await (const rec of readRecordFile(file())) recorded.push(rec);
    expect(recorded).toHaveLength(images.length);
    const sent = new Map(images.map((i) => [byKey(i), i]));
    for (const rec of recorded) {
      expect(rec.host).toBe(source.address);
      expect(rec.serverTimestamp).toBeInstanceOf(Date);
      expect(rec.image).toEqual(sent.get(byKey(rec.image)));
    }
    // Arrival times are in arrival order.
    const arrivals = recorded.map((r) => r.arrivalUnixMs);
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
  });

  it('replays to stdout as NDJSON identical to the parsed originals', async () => {
    const r = await runCli(['replay', file(), '--json']);
    expect(r.code).toBe(EXIT.ok);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(images.length);
    const expected = new Map(images.map((i) => [byKey(i), stable(JSON.parse(JSON.stringify(imageJson(parsePanoImage(i, { host: source.address })))))]));
    for (const line of lines) {
      expect(line.host).toBe(source.address);
      expect(stable(line)).toEqual(expected.get(`${line.moduleId as number}/${line.type === 'movie' ? 2 : 1}`));
    }
  });

  it('replays into another node through UploadImages; its stream carries the same images', async () => {
    const stream = new CliProcess(['stream', '--host', target.address, '--json', '--count', String(images.length), '--refresh-period', '0.01', '--log-level', 'info']);
    await stream.waitFor('the stream to connect', (_o, e) => e.includes('connected'));
    const replay = await runCli(['replay', file(), '--host', target.address, '--speed', '0']);
    expect(replay.code).toBe(EXIT.ok);
    expect(replay.stderr).toContain(`replayed ${images.length} images from ${file()} to ${target.address}`);
    const streamed = await stream.exited;
    expect(streamed.code).toBe(EXIT.ok);
    const got = streamed.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const fromStdout = (await runCli(['replay', file(), '--json'])).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const key = (o: Record<string, unknown>) => `${o.moduleId as number}/${o.type as string}`;
    expect(new Map(got.map((o) => [key(o), stable(o)]))).toEqual(new Map(fromStdout.map((o) => [key(o), stable(o)])));
    for (const o of got) expect(o.host).toBe(target.address);
  });

  it('a node that refuses the upload (no auth token): exit 5 naming the host and the gRPC status', async () => {
    const guarded = await startTestNode({}, { authToken: 's3cret' });
    try {
      const r = await runCli(['replay', file(), '--host', guarded.address, '--speed', '0']);
      expect(r.code).toBe(EXIT.rejected);
      expect(r.stderr).toContain(`daq: UploadImages failed on 1 of 1 host(s): ${guarded.address}: UNAUTHENTICATED: `);
      const withToken = await runCli(['replay', file(), '--host', guarded.address, '--speed', '0', '--auth-token', 's3cret']);
      expect(withToken.code).toBe(EXIT.ok);
    } finally {
      await guarded.stop();
    }
  });

  it('Ctrl-C (SIGINT) ends a recording with a complete file', async () => {
    const path = join(dir, 'interrupted.daqrec');
    const p = new CliProcess(['record', path, '--host', target.address, '--refresh-period', '0.01', '--module-ids', '77', '--log-level', 'debug']);
    await p.waitFor('the stream to connect', (_o, e) => e.includes('connected'));
    await target.upload([movieImage(77, 1), ph256Image(77, 2, 1)]);
    await p.waitFor('two recorded images', (_o, e) => e.includes('recorded image 2:'));
    p.kill('SIGINT');
    const r = await p.exited;
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).toContain(`recorded 2 images`);
    const back = [];
    for await (const rec of readRecordFile(path)) back.push(rec.image);
    expect(new Map(back.map((i) => [byKey(i), i]))).toEqual(new Map([movieImage(77, 1), ph256Image(77, 2, 1)].map((i) => [byKey(i), i])));
  });

  it('a file that is not a record file: exit 6 naming the file', async () => {
    const bogus = join(dir, 'bogus.daqrec');
    await writeFile(bogus, JSON.stringify({ hello: 'world' }));
    const r = await runCli(['replay', bogus]);
    expect(r.code).toBe(EXIT.file);
    expect(r.stderr).toContain(`${bogus}: not a daq record file`);
  });

  it('a truncated file: the complete records are replayed, then exit 6 naming the record', async () => {
    const whole = await readFile(file());
    const cut = join(dir, 'cut.daqrec');
    await writeFile(cut, whole.subarray(0, whole.length - 100));
    const r = await runCli(['replay', cut]);
    expect(r.code).toBe(EXIT.file);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(images.length - 1);
    expect(r.stderr).toContain(`${cut}: ends after record ${images.length - 1} without the end record`);
  });

  it('a missing file: exit 6', async () => {
    const r = await runCli(['replay', join(dir, 'absent.daqrec')]);
    expect(r.code).toBe(EXIT.file);
    expect(r.stderr).toContain(`${join(dir, 'absent.daqrec')}: no such file`);
  });
});
