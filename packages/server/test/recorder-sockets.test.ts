// Recorder sockets end to end: a Python process plays the recorder on real Unix sockets (two
// data products at once, several modules, a malformed frame, garbage, a disconnect and a
// reconnect) while a real gRPC client streams from the node; the socket file rules at start-up;
// the read timeout; the connection bound; the status-pipe drain; and a property over real
// sockets with frames split into random chunks.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';
import { DATA_PRODUCTS, PanoImage, PanoImage_Type, frameTime, timingPacket, type DataProduct } from '@daqdata/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { BroadcastImage } from '../src/broadcast/broadcast-image.js';
import { startRecorderSockets } from '../src/ingest/recorder-sockets.js';
import { startStatusPipeDrain } from '../src/ingest/status-pipe-drain.js';
import { createLogger } from '../src/log/logger.js';
import { LogCapture, RecorderFile, StreamRecorder, headerFor, pixelsFor, runDir, startTestNode, streamsStarted, tempDir, type Received, type TestNode } from './helpers.js';
import { concat, cutAt, recorderBytes, sentFramesArb } from './recorder-frames.js';

const here = dirname(fileURLToPath(import.meta.url));
const writerScript = resolve(here, 'fixtures/recorder_socket_writer.py');
const run = promisify(execFile);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A temporary directory removed after the test. */
async function tmp(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  cleanups.unshift(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Recorder sockets on their own (no gRPC), for one data product, with captured logs; closed after the test. */
async function socketsFor(dp: DataProduct, extra: Partial<Parameters<typeof startRecorderSockets>[0]> = {}): Promise<{ sockets: Awaited<ReturnType<typeof startRecorderSockets>>; logs: LogCapture }> {
  const dir = await tmp('daq-rec-');
  const logs = new LogCapture();
  const sockets = await startRecorderSockets({
    dataProducts: [dp],
    socketPathTemplate: join(dir, `${dp}.sock`),
    readTimeoutSeconds: 60,
    log: createLogger({ format: 'human', sink: logs.sink }),
    clock: () => performance.now(),
    onImage: () => undefined,
    ...extra,
  });
  cleanups.push(() => sockets.close());
  return { sockets, logs };
}

interface WrittenFrame {
  module: number;
  header: string;
  pixels: number[];
}

/** The Python recorder: one command per line in, one JSON answer per line out. */
class PythonRecorder {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly answers: string[] = [];
  private waiting: { resolve(line: string): void; reject(err: Error): void } | null = null;
  private stderr = '';

  constructor() {
    this.proc = spawn('python3', [writerScript]);
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w.resolve(line);
      } else this.answers.push(line);
    });
    this.proc.once('exit', (code) => this.waiting?.reject(new Error(`recorder exited (${code}): ${this.stderr}`)));
    cleanups.push(async () => {
      this.proc.stdin.end();
      if (this.proc.exitCode === null) await new Promise((r) => this.proc.once('exit', r));
    });
  }

  async send(cmd: Record<string, unknown>): Promise<{ frames?: WrittenFrame[] }> {
    this.proc.stdin.write(`${JSON.stringify(cmd)}\n`);
    const line = this.answers.shift() ?? (await new Promise<string>((resolve, reject) => (this.waiting = { resolve, reject })));
    return JSON.parse(line) as { frames?: WrittenFrame[] };
  }
}

/** Whether the client got exactly this written frame from `file` with this frame number. */
function receivedAs(file: string, frameNumber: number, w: WrittenFrame) {
  const header: unknown = JSON.parse(w.header);
  return (rs: Received[]) =>
    rs.some(({ response: { panoImage: p } }) => p !== undefined && p.file === file && p.moduleId === w.module && p.frameNumber === frameNumber && isDeepStrictEqual(p.header, header));
}

function expectSame(rs: Received[], dp: DataProduct, frameNumber: number, w: WrittenFrame): void {
  const file = `uds_${dp}`;
  const p = rs.map((r) => r.response.panoImage!).findLast((i) => i && i.file === file && i.moduleId === w.module && i.frameNumber === frameNumber);
  expect(p, `${file} module ${w.module} #${frameNumber}`).toBeDefined();
  const info = DATA_PRODUCTS[dp];
  expect(p!.type).toBe(info.kind === 'movie' ? PanoImage_Type.MOVIE : PanoImage_Type.PULSE_HEIGHT);
  expect(p!.header).toEqual(JSON.parse(w.header));
  expect(p!.imageArray).toEqual(w.pixels.map((v) => v & 0xffff));
  expect(p!.shape).toEqual([info.rows, info.cols]);
  expect(p!.bytesPerPixel).toBe(info.bytesPerPixel);
}

async function recorderNode(extra: { readTimeoutSeconds?: number; dataProducts?: string[] } = {}): Promise<{ node: TestNode; dataDir: string; path: (dp: string) => string }> {
  const dir = await tmp('daq-rec-');
  const template = join(dir, 'rec.dp_{dp_name}.sock');
  // A data directory followed from start-up too: files and sockets feed the node at once.
  const dataDir = join(dir, 'data');
  await mkdir(dataDir);
  const node = await startTestNode({
    initialDataDir: dataDir,
    recorderSockets: { dataProducts: extra.dataProducts ?? ['img16', 'ph256'], socketPathTemplate: template, readTimeoutSeconds: extra.readTimeoutSeconds ?? 60 },
  });
  cleanups.push(() => node.stop());
  return { node, dataDir, path: (dp) => template.replace('{dp_name}', dp) };
}

describe('recorder sockets', () => {
  it('delivers frames from two products at once byte for byte, skips malformed ones, survives garbage, a disconnect and a reconnect', async () => {
    const { node, dataDir, path } = await recorderNode();
    const stream = new StreamRecorder(node.client, { streamMovieData: true, streamPulseHeightData: true, updateIntervalSeconds: 0 });
    cleanups.push(() => stream.cancel());
    await streamsStarted(node, 1);
    const rec = new PythonRecorder();
    await rec.send({ op: 'connect', conn: 'a', path: path('img16') });
    await rec.send({ op: 'connect', conn: 'b', path: path('ph256') });

    // One frame per module and product, so no client slot coalesces two; chunks split frames.
    const movie = (await rec.send({ op: 'frames', conn: 'a', dp: 'img16', frames: [[1, 10], [2, 11], [300, 12]], chunk: 333 })).frames!;
    const ph = (await rec.send({ op: 'frames', conn: 'b', dp: 'ph256', frames: [[1, 20], [3, 21]], chunk: 50 })).frames!;
    const got = await stream.until((rs) => movie.every((w, i) => receivedAs('uds_img16', i, w)(rs)) && ph.every((w, i) => receivedAs('uds_ph256', i, w)(rs)), 'the first frames');
    movie.forEach((w, i) => expectSame(got, 'img16', i, w));
    ph.forEach((w, i) => expectSame(got, 'ph256', i, w));

    // A frame with a broken header (framing intact): logged with socket and offset, skipped.
    const frameSize = 2 + movie[0]!.header.length + 1 + 2048;
    await rec.send({ op: 'corrupt', conn: 'a', dp: 'img16', module: 1, n: 13 });
    const [after] = (await rec.send({ op: 'frames', conn: 'a', dp: 'img16', frames: [[1, 14]] })).frames!;
    expectSame(await stream.until(receivedAs('uds_img16', 3, after!), 'the frame after the malformed one'), 'img16', 3, after!);
    const malformed = await node.logs.waitFor(/malformed frame skipped/);
    expect(malformed).toContain(`socket=${path('img16')}`);
    expect(malformed).toContain(`offset=${3 * frameSize}`);

    // Garbage between frames: the framing is found again.
    await rec.send({ op: 'raw', conn: 'a', hex: 'deadbeef00' });
    const [resynced] = (await rec.send({ op: 'frames', conn: 'a', dp: 'img16', frames: [[2, 15]] })).frames!;
    expectSame(await stream.until(receivedAs('uds_img16', 4, resynced!), 'the frame after garbage'), 'img16', 4, resynced!);
    expect(await node.logs.waitFor(/re-synchronised after skipping 5 bytes/)).toContain(`offset=${5 * frameSize + 5}`);

    // A disconnect mid-frame is logged with where the cut frame began; the reconnect counts from 0.
    await rec.send({ op: 'raw', conn: 'a', hex: '00017b0a20' });
    await rec.send({ op: 'close', conn: 'a' });
    const ended = await node.logs.waitFor(/recorder connection ended.*partialFrameBytes=5/);
    expect(ended).toContain(`socket=${path('img16')}`);
    expect(ended).toContain(`offset=${6 * frameSize + 5}`);
    await rec.send({ op: 'connect', conn: 'a2', path: path('img16') });
    const [again] = (await rec.send({ op: 'frames', conn: 'a2', dp: 'img16', frames: [[1, 16]] })).frames!;
    expectSame(await stream.until(receivedAs('uds_img16', 0, again!), 'the first frame of the new connection'), 'img16', 0, again!);

    // The other connection never noticed.
    const [later] = (await rec.send({ op: 'frames', conn: 'b', dp: 'ph256', frames: [[5, 22]] })).frames!;
    expectSame(await stream.until(receivedAs('uds_ph256', 2, later!), 'ph256 after the img16 trouble'), 'ph256', 2, later!);

    // Files and sockets at once: a watched run directory feeds the same stream.
    const file = await RecorderFile.create(await runDir(dataDir, 7), 'img16', 7);
    cleanups.push(() => file.close());
    await file.write(1);
    await stream.until((rs) => rs.some((r) => r.response.panoImage?.moduleId === 7 && r.response.panoImage.file.endsWith('.pff')), 'a frame from the file');
    const [alongside] = (await rec.send({ op: 'frames', conn: 'b', dp: 'ph256', frames: [[5, 23]] })).frames!;
    await stream.until(receivedAs('uds_ph256', 3, alongside!), 'ph256 while a data directory is followed');

    const stats = node.server.acquisition.recorderSockets!.stats();
    expect(stats.map((s) => [s.dataProduct, s.connectionsAccepted, s.malformedFrames, s.bytesSkipped])).toEqual([
      ['img16', 2, 1, 5],
      ['ph256', 1, 0, 0],
    ]);
  });

  it('replaces a stale socket file, refuses a regular file or a live socket naming the path, and removes its files at close', async () => {
    const dir = await tmp('daq-rec-');
    const template = join(dir, 'rec.dp_{dp_name}.sock');
    const at = (dp: string) => template.replace('{dp_name}', dp);
    const config = { recorderSockets: { dataProducts: ['img16', 'ph256'], socketPathTemplate: template, readTimeoutSeconds: 60 } };

    // Stale: a socket file nobody listens on (Python binds and exits without removing it).
    await run('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', at('img16')]);
    expect((await stat(at('img16'))).isSocket()).toBe(true);
    const node = await startTestNode(config);
    await node.logs.waitFor(new RegExp(`replaced a stale recorder socket file socket=${at('img16')}`));
    const live = connect(at('img16'));
    await new Promise<void>((resolve, reject) => live.once('connect', resolve).once('error', reject));
    live.destroy();
    await node.stop();
    await expect(stat(at('img16'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(at('ph256'))).rejects.toMatchObject({ code: 'ENOENT' });

    // A regular file: refused, left alone; the socket already made for img16 is removed again.
    await writeFile(at('ph256'), 'not a socket');
    await expect(startTestNode(config)).rejects.toThrow(`recorder socket (ph256) ${at('ph256')} exists and is not a socket`);
    expect((await stat(at('ph256'))).isFile()).toBe(true);
    await expect(stat(at('img16'))).rejects.toMatchObject({ code: 'ENOENT' });

    // A live listener: refused, and it keeps its socket.
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(at('img16'), resolve));
    cleanups.push(() => new Promise((resolve) => other.close(resolve)));
    await expect(startTestNode({ recorderSockets: { ...config.recorderSockets, dataProducts: ['img16'] } })).rejects.toThrow(
      `recorder socket (img16) ${at('img16')} is in use by another running server`,
    );
    const stillThere = connect(at('img16'));
    await new Promise<void>((resolve, reject) => stillThere.once('connect', resolve).once('error', reject));
    stillThere.destroy();
  });

  it('closes a connection that stays silent for read_timeout, with a log line', async () => {
    const { node, path } = await recorderNode({ readTimeoutSeconds: 0.2, dataProducts: ['img8'] });
    const silent = connect(path('img8'));
    const closed = new Promise<void>((resolve) => silent.once('close', () => resolve()));
    silent.on('error', () => undefined);
    await closed;
    const line = await node.logs.waitFor(/recorder connection ended/);
    expect(line).toContain('reason="silent for 0.2 s (read timeout)"');
    expect(line).toContain(`socket=${path('img8')}`);
    expect(node.server.acquisition.recorderSockets!.stats()[0]!.timeouts).toBe(1);
  });

  it('turns away connections beyond the bound and keeps serving the others', async () => {
    const images: BroadcastImage[] = [];
    const { sockets, logs } = await socketsFor('ph256', { onImage: (i) => images.push(i), maxConnectionsPerSocket: 2 });
    const open = async (): Promise<Socket> => {
      const s = connect(sockets.paths[0]!);
      s.on('error', () => undefined);
      await new Promise<void>((resolve) => s.once('connect', resolve));
      cleanups.push(async () => void s.destroy());
      return s;
    };
    const [a, b] = [await open(), await open()];
    await logs.waitForCount(/recorder connected/, 2);
    const third = await open();
    await new Promise<void>((resolve) => third.once('close', () => resolve()));
    expect(await logs.waitFor(/refused: too many connections/)).toContain('max=2');
    const frame = { moduleId: 4, header: { quabo_num: 1, pkt_num: 1, pkt_tai: 2, pkt_nsec: 3, tv_sec: 4, tv_usec: 5 }, pixels: new Array(256).fill(-1) };
    a.write(recorderBytes('ph256', frame));
    b.write(recorderBytes('ph256', { ...frame, moduleId: 5 }));
    await expect.poll(() => images.map((i) => i.moduleId).sort()).toEqual([4, 5]);
    expect(sockets.stats()[0]).toMatchObject({ connections: 2, connectionsAccepted: 2, connectionsRefused: 1, frames: 2 });
  });

  it('closes a connection whose first frame cannot teach the layout (ph256 frames on the img16 socket), with a log line', async () => {
    const { sockets, logs } = await socketsFor('img16');
    const s = connect(sockets.paths[0]!);
    s.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
    await new Promise<void>((resolve) => s.once('connect', resolve));
    const ph = recorderBytes('ph256', { moduleId: 1, header: headerFor('ph256', 0), pixels: pixelsFor('ph256', 0) });
    s.write(concat(Array.from({ length: 9 }, () => ph)));
    await closed;
    const line = await logs.waitFor(/recorder stream undecodable: closing the connection/);
    expect(line).toContain(`socket=${sockets.paths[0]}`);
    expect(line).toContain('offset=2');
    expect(line).toMatch(/img16 header needs quabo_0/);
  });

  it('logs at most 20 problem lines a minute per connection and counts the rest', async () => {
    const { sockets, logs } = await socketsFor('ph256');
    const frame = (n: number) => recorderBytes('ph256', { moduleId: 1, header: headerFor('ph256', n), pixels: pixelsFor('ph256', n) });
    const bad = frame(1);
    bad[Buffer.from(bad).toString('latin1').indexOf('pkt_nsec') + 12] = 'x'.charCodeAt(0);
    const s = connect(sockets.paths[0]!);
    await new Promise<void>((resolve) => s.once('connect', resolve));
    s.end(concat([frame(0), ...Array.from({ length: 50 }, () => bad)]));
    const ended = await logs.waitFor(/recorder connection ended/);
    expect(ended).toContain('malformed=50');
    expect(ended).toContain('problemsNotLogged=30');
    expect(logs.lines.filter((l) => l.includes('recorder stream problem'))).toHaveLength(20);
  });

  it('frames written to a real socket in random chunks come out identical and in order, with the pixels and time ROI stats read (property)', async () => {
    let images: BroadcastImage[] = [];
    let wake: () => void = () => undefined;
    const { sockets } = await socketsFor('img16', {
      onImage: (i) => {
        images.push(i);
        wake();
      },
    });
    await fc.assert(
      fc.asyncProperty(sentFramesArb('img16', 5), fc.array(fc.nat(), { maxLength: 15 }), async (sent, cuts) => {
        images = [];
        const s = connect(sockets.paths[0]!);
        await new Promise<void>((resolve) => s.once('connect', resolve));
        // Each chunk is written once the node has read the previous one, so the node's reads
        // see these chunk boundaries (the kernel would otherwise merge chunks written at once).
        let written = sockets.stats()[0]!.bytes;
        for (const chunk of cutAt(concat(sent.map((f) => recorderBytes('img16', f))), cuts)) {
          s.write(chunk);
          written += chunk.length;
          while (sockets.stats()[0]!.bytes < written) await new Promise((resolve) => setImmediate(resolve));
        }
        while (images.length < sent.length) await new Promise<void>((resolve) => (wake = resolve));
        s.destroy();
        const got = images.map((i) => PanoImage.decode(i.encoded()));
        expect(got.map((p) => [p.moduleId, p.frameNumber, p.file])).toEqual(sent.map((f, i) => [f.moduleId, i, 'uds_img16']));
        expect(got.map((p) => p.header)).toEqual(sent.map((f) => f.header));
        expect(got.map((p) => p.imageArray)).toEqual(sent.map((f) => f.pixels));
        // What ROI stats read: the frame's own pixels and time, kept beside the encoding.
        expect(images.map((i) => Array.from(i.framePixels()!.pixels))).toEqual(sent.map((f) => f.pixels));
        expect(images.map((i) => i.framePixels()!.time)).toEqual(sent.map((f) => ({ unixNs: frameTime(timingPacket(f.header)).unixNs, wrSynchronised: frameTime(timingPacket(f.header)).wrSynchronised })));
      }),
      { numRuns: 25 },
    );
  });
});

describe('status pipe', () => {
  it('creates the named pipe and drains it, so a recorder writing more than the pipe buffer completes', async () => {
    const dir = await tmp('daq-pipe-');
    const pipe = join(dir, 'read_status_2');
    const node = await startTestNode({ statusPipe: pipe });
    cleanups.push(() => node.stop());
    expect((await stat(pipe)).isFIFO()).toBe(true);
    // 256 KiB in one go: with nobody reading, the writer would block at 64 KiB for ever.
    const { stdout } = await run('python3', ['-c', 'import sys; f = open(sys.argv[1], "wb"); n = f.write(b"status line\\n" * 21846); f.close(); print(n)', pipe]);
    expect(Number(stdout)).toBe(12 * 21846);
    await expect.poll(() => node.server.acquisition.statusPipe!.bytesDrained).toBe(12 * 21846);
  });

  it('refuses a path that is not a named pipe, naming it', async () => {
    const dir = await tmp('daq-pipe-');
    const path = join(dir, 'status.txt');
    await writeFile(path, '');
    await expect(startStatusPipeDrain(path, createLogger({ format: 'human', sink: () => undefined }))).rejects.toThrow(`statusPipe ${path} exists and is not a named pipe (FIFO)`);
  });
});
