// The node's HTTP side over real sockets: /metrics shows every metric with a non-zero value
// while data arrives from the simulator, from files (with garbage), from a recorder socket
// (with a malformed frame and garbage) and from uploads, with streams open and dropping;
// /healthz and /readyz; the bounds on requests (GET of three paths, no body read, header size
// and time limits); a taken metrics port.
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createNodeSimulator } from '@daqdata/sim';
import { afterEach, describe, expect, it } from 'vitest';
import { ListenError } from '../src/server.js';
import { RecorderFile, StreamRecorder, headerFor, movieImage, pixelsFor, runDir, startTestNode, streamsStarted, tempDir, type TestNode } from './helpers.js';
import { family, scrape, untilScraped, type Sample } from './prometheus-text.js';
import { recorderBytes } from './recorder-frames.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(...args: Parameters<typeof startTestNode>): Promise<TestNode & { url: string }> {
  const n = await startTestNode(...args);
  cleanups.push(() => n.stop());
  expect(n.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return Object.assign(n, { url: n.server.metricsUrl! });
}

/** Every daq_ metric the node exports (README "Metrics" documents each). */
const DAQ_METRICS = [
  'daq_node_info',
  'daq_frames_read_total',
  'daq_frames_published_total',
  'daq_read_bytes_total',
  'daq_malformed_frames_total',
  'daq_resynchronisations_total',
  'daq_recorder_connections_total',
  'daq_recorder_connections_refused_total',
  'daq_recorder_connections',
  'daq_recorder_frames_total',
  'daq_watched_files',
  'daq_watched_directories',
  'daq_watched_paths_polled',
  'daq_watch_polling_fallbacks',
  'daq_active_streams',
  'daq_stream_images_sent_total',
  'daq_stream_images_dropped_total',
  'daq_newest_frame_age_seconds',
  'daq_init_hp_io_calls_total',
  'daq_upload_queue_depth',
  'daq_roi_frames_processed_total',
  'daq_roi_computations_total',
  'daq_roi_records_sent_total',
  'daq_roi_last_frame_timestamp_seconds',
];
/** Zero here by nature: nothing in the watcher falls back to polling, and no recorder connection was turned away. */
const ZERO_HERE = new Set(['daq_watched_paths_polled', 'daq_watch_polling_fallbacks', 'daq_recorder_connections_refused_total']);

const some = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}) =>
  family(samples, name).some((s) => s.value > 0 && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('/metrics', () => {
  it('shows every metric with a non-zero value while the simulator, files, a recorder socket and uploads feed the node', async () => {
    const socketDir = await tempDir('daq-metrics-sock-');
    cleanups.push(() => rm(socketDir, { recursive: true, force: true }));
    const n = await node(
      { metricsPort: 0, recorderSockets: { dataProducts: ['img16'], socketPathTemplate: join(socketDir, '{dp_name}.sock'), readTimeoutSeconds: 60 } },
      { simulator: createNodeSimulator() },
    );
    const init = (patch: Partial<Parameters<TestNode['client']['initHpIo']>[0]>) =>
      n.client.initHpIo({ dataDir: n.root, updateIntervalSeconds: 0.001, force: false, simulateDaq: false, moduleIds: [], ...patch });

    // The simulator writes; the node follows it.
    expect(await init({ simulateDaq: true, dataDir: '' })).toEqual({ success: true, errorMessage: '' });
    await untilScraped(n.url, (s) => some(s, 'daq_frames_read_total', { source: 'file' }) && some(s, 'daq_frames_published_total'), 'frames from the simulator');

    // A file with a run of garbage between frames.
    const file = await RecorderFile.create(await runDir(n.root, 3), 'img16', 3);
    await file.write(3);
    await file.writeRaw(new Uint8Array(500).fill(0x78));
    await file.write(3);
    expect(await init({ force: true })).toEqual({ success: true, errorMessage: '' });
    await untilScraped(n.url, (s) => some(s, 'daq_malformed_frames_total', { source: 'file' }) && some(s, 'daq_resynchronisations_total', { source: 'file' }), 'the garbage in the file counted');
    await expect(init({ dataDir: '/' })).rejects.toThrow(/PERMISSION_DENIED|outside/);

    // A stream slower than the appends: images are sent and dropped.
    const slow = new StreamRecorder(n.client, { streamMovieData: true, streamPulseHeightData: true, updateIntervalSeconds: 0.5, moduleIds: [] });
    cleanups.push(() => slow.cancel());
    await streamsStarted(n, 1);
    let samples = await scrape(n.url);
    while (!(some(samples, 'daq_stream_images_dropped_total') && some(samples, 'daq_stream_images_sent_total'))) {
      await file.write(1);
      samples = await scrape(n.url);
    }
    // A StreamRoiStats client: frames processed, ROI stats computed and records sent.
    const rois = n.client.streamRoiStats({ rois: [{ name: 'a', rect: { offsetX: 0, sizeX: 2, offsetY: 0, sizeY: 2 } }], moduleIds: [3], movie: true, pulseHeight: false })[Symbol.asyncIterator]();
    const firstRecords = rois.next();
    cleanups.push(async () => rois.return?.());
    await streamsStarted(n, 2);
    await file.write(1);
    expect((await firstRecords).value.records.length).toBeGreaterThan(0);
    await untilScraped(n.url, (s) => some(s, 'daq_roi_records_sent_total') && some(s, 'daq_roi_last_frame_timestamp_seconds'), 'ROI records counted');
    // Refused without force while a stream is open (FAILED_PRECONDITION, as the reference);
    // a data_dir that is a file fails the reconfiguration: outcome "failure".
    await expect(init({})).rejects.toThrow(/FAILED_PRECONDITION/);
    expect((await init({ dataDir: file.path, force: true })).success).toBe(false);

    // The recorder on its socket: good frames, one with a broken header, garbage, good frames.
    const sock: Socket = connect(join(socketDir, 'img16.sock'));
    cleanups.push(async () => sock.destroy());
    await once(sock, 'connect');
    const frame = (i: number) => recorderBytes('img16', { moduleId: 7, header: headerFor('img16', i), pixels: pixelsFor('img16', i) });
    const broken = frame(1);
    broken[2 + 3] = 0x00; // inside the JSON header; its delimiters stay in place
    sock.write(Buffer.concat([frame(0), broken, frame(2), Buffer.alloc(37, 0x78), frame(3), frame(4)]));
    await untilScraped(
      n.url,
      (s) => some(s, 'daq_frames_read_total', { source: 'socket', module: '7' }) && some(s, 'daq_malformed_frames_total', { source: 'socket' }) && some(s, 'daq_resynchronisations_total', { source: 'socket' }),
      'the recorder socket frames and problems counted',
    );

    // A long node interval holds uploads back: the queue has depth.
    expect(await init({ force: true, updateIntervalSeconds: 30 })).toEqual({ success: true, errorMessage: '' });
    const open = new StreamRecorder(n.client, { streamMovieData: true, streamPulseHeightData: true, updateIntervalSeconds: 0, moduleIds: [] });
    cleanups.push(() => open.cancel());
    await streamsStarted(n, 3);
    await n.client.uploadImages((async function* () {
      for (let i = 0; i < 3; i++) yield { panoImage: movieImage(9, i) };
    })());

    samples = await scrape(n.url);
    const daqFamilies = new Set(samples.filter((s) => s.name.startsWith('daq_')).map((s) => s.name.replace(/_(bucket|sum|count)$/, '')));
    expect([...daqFamilies].sort()).toEqual([...DAQ_METRICS].sort());
    const zero = DAQ_METRICS.filter((name) => !ZERO_HERE.has(name) && !some(samples, name));
    expect(zero, 'metrics without a non-zero sample').toEqual([]);
    for (const name of ZERO_HERE) expect(family(samples, name).length).toBeGreaterThan(0);
    expect(family(samples, 'daq_init_hp_io_calls_total').map((s) => [s.labels.outcome, s.value > 0])).toEqual([
      ['success', true],
      ['failure', true],
      ['error', true],
    ]);
    expect(family(samples, 'daq_upload_queue_depth')[0]!.value).toBe(2);
    expect(family(samples, 'daq_active_streams')[0]!.value).toBe(1);
    expect(some(samples, 'grpc_server_handled_total', { grpc_method: 'InitHpIo', grpc_code: 'PERMISSION_DENIED' })).toBe(true);
    expect(some(samples, 'grpc_server_started_total', { grpc_method: 'StreamImages' })).toBe(true);
    // Bounded labels: no label names a client.
    expect(samples.every((s) => !Object.keys(s.labels).some((k) => /peer|client|address/.test(k)))).toBe(true);
    await file.close();
  });
});

describe('/healthz and /readyz', () => {
  it('/healthz answers 200; /readyz is 503 with the reason until the node follows data, then 200', async () => {
    const n = await node({ metricsPort: 0 });
    const health = await fetch(`${n.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    const before = await fetch(`${n.url}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.text()).toMatch(/^not ready: listening, but following no data directory and no recorder socket/);
    expect(await n.client.initHpIo({ dataDir: n.root, updateIntervalSeconds: 0.001, force: false, simulateDaq: false, moduleIds: [] })).toEqual({ success: true, errorMessage: '' });
    const after = await fetch(`${n.url}/readyz`);
    expect([after.status, await after.text()]).toEqual([200, `ready: following ${n.root}\n`]);
  });

  it('is off unless metricsPort is set', async () => {
    const n = await startTestNode();
    cleanups.push(() => n.stop());
    expect(n.server.metricsUrl).toBeNull();
  });
});

/** Sends raw bytes and collects the reply until the server closes the connection. */
async function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const sock = connect(Number(port), hostname);
  cleanups.push(async () => sock.destroy());
  let reply = '';
  sock.on('data', (d: Buffer) => (reply += d.toString()));
  sock.write(request);
  await once(sock, 'close');
  return reply;
}

describe('request bounds', () => {
  it('answers only GET and HEAD of its three paths: 404 for others, 405 for other methods', async () => {
    const n = await node({ metricsPort: 0 });
    expect((await fetch(`${n.url}/`)).status).toBe(404);
    expect((await fetch(`${n.url}/metrics/../etc/passwd`)).status).toBe(404);
    const post = await fetch(`${n.url}/metrics`, { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const head = await fetch(`${n.url}/metrics`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    expect((await fetch(`${n.url}/metrics?x=1`)).status).toBe(200);
  });

  it('never reads a request body: a POST announcing 100 MB is answered 405 and the connection closed at once', async () => {
    const n = await node({ metricsPort: 0 });
    const reply = await rawExchange(n.url, 'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nabc');
    expect(reply).toMatch(/^HTTP\/1\.1 405 /);
  });

  it('refuses headers over the size bound (431) and closes a connection whose headers never end (408)', async () => {
    const n = await node({ metricsPort: 0 });
    expect(await rawExchange(n.url, `GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(16 * 1024)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
    expect(await rawExchange(n.url, 'GET /metrics HTTP/1.1\r\nHost: x\r\n')).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('does not start on a taken metrics port, naming the address and the key', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const port = (blocker.address() as { port: number }).port;
    const err = await startTestNode({ metricsPort: port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as ListenError).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}.*metricsPort.*EADDRINUSE`));
  });
});
