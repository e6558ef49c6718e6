// Hostile and broken clients over real sockets (raw node:http2 and net clients where a
// well-behaved gRPC client cannot misbehave): out-of-bounds numbers, clients that stop
// reading, connections that never speak HTTP/2, stream-reset floods, malformed auth.
import { execFile, spawn } from 'node:child_process';
import * as http2 from 'node:http2';
import { connect, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { rm } from 'node:fs/promises';
import { StreamImagesRequest } from '@daqdata/core';
import { Status } from 'nice-grpc';
import { describe, expect, it } from 'vitest';
import { REFUSALS_BEFORE_GOAWAY } from '../src/transport/transport-guard.js';
import { StreamRecorder, movieImage, perTestNodes, streamsStarted, tempDir, type TestNode } from './helpers.js';

const { cleanups, node } = perTestNodes();
const here = dirname(fileURLToPath(import.meta.url));
const STREAM_IMAGES = '/daqdata.DaqData/StreamImages';

/** Uploads a few images every `everyMs` until stopped: a steady image source for every stream. */
function uploadSteadily(n: TestNode, everyMs = 20): { stop(): Promise<void>; uploaded(): number } {
  let stopped = false;
  let frame = 0;
  const done = (async () => {
    while (!stopped) {
      const batch = [movieImage(1, frame), movieImage(2, frame)];
      frame++;
      await n.client.uploadImages((async function* () {
        for (const panoImage of batch) yield { panoImage };
      })());
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
    },
    uploaded: () => frame,
  };
}

function framedRequest(): Buffer {
  const req = StreamImagesRequest.encode(StreamImagesRequest.fromPartial({ streamMovieData: true })).finish();
  const framed = Buffer.alloc(5 + req.length);
  framed.writeUInt32BE(req.length, 1);
  framed.set(req, 5);
  return framed;
}

const grpcHeaders = { ':method': 'POST', ':path': STREAM_IMAGES, 'content-type': 'application/grpc', te: 'trailers' };

const codeOf = (err: unknown) => (err as { code?: number }).code;

describe('bounds on numbers from outside', () => {
  it('StreamImages and InitHpIo with huge intervals or too many module ids are INVALID_ARGUMENT naming the field and the bound', async () => {
    const n = await node();
    for (const updateIntervalSeconds of [1e7, 1e308]) {
      const stream = n.client.streamImages({ streamMovieData: true, updateIntervalSeconds });
      const err = await (async () => {
        for await (const _ of stream) return undefined;
      })().catch((e: unknown) => e);
      expect(codeOf(err)).toBe(Status.INVALID_ARGUMENT);
      expect(String(err)).toMatch(/update_interval_seconds .* above the maximum of 86400 s/);
      const initErr = await n.client.initHpIo({ dataDir: n.root, updateIntervalSeconds }).catch((e: unknown) => e);
      expect(codeOf(initErr)).toBe(Status.INVALID_ARGUMENT);
      expect(String(initErr)).toMatch(/update_interval_seconds .* above the maximum of 86400 s/);
    }
    const moduleIds = Array.from({ length: 2000 }, (_, i) => i);
    const many = await (async () => {
      for await (const _ of n.client.streamImages({ streamMovieData: true, moduleIds })) return undefined;
    })().catch((e: unknown) => e);
    expect(codeOf(many)).toBe(Status.INVALID_ARGUMENT);
    expect(String(many)).toMatch(/module_ids has 2000 entries; at most 1024/);
    const manyInit = await n.client.initHpIo({ dataDir: n.root, moduleIds }).catch((e: unknown) => e);
    expect(String(manyInit)).toMatch(/module_ids has 2000 entries; at most 1024/);
    expect(await n.client.ping({})).toEqual({});
  });

  it('daq-server --min-interval 1e308 is refused at start-up naming the key and the bound', async () => {
    const serverMain = join(here, '..', 'dist', 'bundle', 'daq-server.js');
    const proc = spawn(process.execPath, [serverMain, '--port', '0', '--min-interval', '1e308'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => proc.on('exit', r));
    expect(code).toBe(2);
    expect(stderr).toMatch(/"minUpdateIntervalSeconds" must be a positive number, at most 86400/);
  });
});

describe('connection limits', () => {
  it('ends streams whose client stopped reading after the stall limit, freeing their slots for others', async () => {
    const n = await node({ maxStreams: 4, stallTimeoutSeconds: 1 });
    const source = uploadSteadily(n);
    cleanups.push(() => source.stop());
    // Four raw streams on a connection that grants the server a 16-byte receive window and
    // never reads: the first image fills it and every later write waits for ever.
    const session = http2.connect(`http://127.0.0.1:${n.server.port}`, { settings: { initialWindowSize: 16 } });
    cleanups.push(async () => void session.destroy());
    session.on('error', () => undefined);
    const closed = Array.from({ length: 4 }, () => {
      const s = session.request(grpcHeaders);
      s.on('error', () => undefined);
      s.pause();
      s.end(framedRequest());
      return new Promise<number>((r) => s.on('close', () => r(s.rstCode ?? -1)));
    });
    await streamsStarted(n, 4);
    const locked = await (async () => {
      for await (const _ of n.client.streamImages({ streamMovieData: true })) return undefined;
    })().catch((e: unknown) => e);
    expect(codeOf(locked)).toBe(Status.RESOURCE_EXHAUSTED);
    // Each stalled stream is reset with ENHANCE_YOUR_CALM (gRPC clients: RESOURCE_EXHAUSTED).
    expect(await Promise.all(closed)).toEqual([1, 2, 3, 4].map(() => http2.constants.NGHTTP2_ENHANCE_YOUR_CALM));
    await n.logs.waitFor(/stream ended: client took no message/);
    const normal = new StreamRecorder(n.client, { streamMovieData: true });
    cleanups.push(() => normal.cancel());
    await normal.until((r) => r.length >= 3, 'images at the normal client');
    expect(normal.error).toBeUndefined();
  });

  it('closes connections that never send the HTTP/2 preface after the preface timeout; others stay', async () => {
    const n = await node({ prefaceTimeoutSeconds: 1 });
    const speaking = http2.connect(`http://127.0.0.1:${n.server.port}`);
    cleanups.push(async () => void speaking.destroy());
    await new Promise((r) => speaking.once('remoteSettings', r));
    const silent: Socket[] = [];
    const closed = Array.from({ length: 50 }, () => {
      const s = connect(n.server.port, '127.0.0.1');
      s.on('error', () => undefined);
      s.resume(); // reads (and discards) what the server sends; sends nothing
      silent.push(s);
      return new Promise<void>((r) => s.once('close', () => r()));
    });
    cleanups.push(async () => silent.forEach((s) => s.destroy()));
    await Promise.all(closed); // every silent connection closed by the server
    expect(n.server.guard.prefaceTimeouts).toBe(50);
    // The connection that spoke HTTP/2 first, and is older than all of them, still works.
    await new Promise<void>((r, j) => speaking.ping((err) => (err ? j(err) : r())));
    expect(speaking.closed).toBe(false);
    expect(await n.client.ping({})).toEqual({});
  });

  it('a stream-reset flood from one connection does not stop a normal client, and is logged in aggregate', async () => {
    const n = await node();
    const source = uploadSteadily(n);
    cleanups.push(() => source.stop());
    const normal = new StreamRecorder(n.client, { streamMovieData: true });
    cleanups.push(() => normal.cancel());
    await normal.until((r) => r.length >= 1, 'a first image');
    const flooder = http2.connect(`http://127.0.0.1:${n.server.port}`);
    cleanups.push(async () => void flooder.destroy());
    flooder.on('error', () => undefined);
    const goaway = new Promise<number>((r) => flooder.once('goaway', (code: number) => r(code)));
    await new Promise((r) => flooder.once('remoteSettings', r));
    const body = framedRequest();
    const before = normal.received.length;
    let opened = 0;
    for (let round = 0; round < 100 && !flooder.destroyed; round++) {
      for (let i = 0; i < 30; i++) {
        const s = flooder.request(grpcHeaders);
        s.on('error', () => undefined);
        s.end(body);
        s.close(http2.constants.NGHTTP2_CANCEL);
        opened++;
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(opened).toBeGreaterThan(REFUSALS_BEFORE_GOAWAY);
    // The connection that went on starting streams after being refused was closed.
    expect(await goaway).toBe(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    expect(n.server.guard.floodsClosed).toBe(1);
    // The normal client kept receiving during and after the flood.
    await normal.until((r) => r.length >= before + 5, 'images after the flood');
    expect(normal.error).toBeUndefined();
    await source.stop();
    await n.server.close(1000); // flushes the aggregated lines
    const started = n.logs.lines.filter((l) => / stream started /.test(l)).length;
    expect(started).toBeLessThanOrEqual(20); // not one line per flooded stream
    expect(n.logs.lines.some((l) => /"call refused: stream start rate exceeded" repeated count=\d+ from=127\.0\.0\.1/.test(l))).toBe(true);
    expect(n.logs.lines.filter((l) => /call refused: stream start rate exceeded/.test(l)).length).toBeLessThanOrEqual(11);
  });
});

describe('authorization edge cases', () => {
  it('two authorization headers are UNAUTHENTICATED, and the refusal is logged without the token', async () => {
    const token = 'limits-test-token-7f3a';
    const n = await node({ authToken: token });
    const stubs = await tempDir('daq-py-stubs-');
    cleanups.push(() => rm(stubs, { recursive: true, force: true }));
    const protoDir = resolve(here, '../../../proto');
    const run = promisify(execFile);
    await run('/usr/bin/python3', ['-m', 'grpc_tools.protoc', `-I${protoDir}`, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, join(protoDir, 'daq_data.proto')]);
    const { stdout } = await run('/usr/bin/python3', [join(here, 'fixtures/two_authorization_headers.py'), stubs, `127.0.0.1:${n.server.port}`, token], { timeout: 60_000 });
    const [code, details] = JSON.parse(stdout) as [string, string];
    expect(code).toBe('UNAUTHENTICATED');
    expect(details).toMatch(/authorization/);
    const line = await n.logs.waitFor(/call refused: unauthenticated/);
    expect(line).toMatch(/InitHpIo/);
    expect(n.logs.lines.join('\n')).not.toContain(token);
  });
});
