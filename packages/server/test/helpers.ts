// Shared test fixtures: temp directories, a real server on an ephemeral port with captured
// logs, a DaqData client, a recorder-like writer that appends frames in chunks splitting
// frames, and a stream recorder that lets a test await what a client received.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_PRODUCTS, DaqDataDefinition, PanoImage_Type, encodeFrame, formatDataFileName, formatRunDirName, type DaqDataClient, type DataProduct, type FrameHeader, type PanoImage, type QuaboPacket, type StreamImagesResponse } from '@daqdata/core';
import { PffWriter } from '@daqdata/core/node';
import { createChannel, createClient, Metadata, type Channel } from 'nice-grpc';
import { afterEach } from 'vitest';
import { resolveServerConfig, type ServerConfig } from '../src/config/server-config.js';
import { createLogger } from '../src/log/logger.js';
import { startServer, type RunningServer, type StartServerOptions } from '../src/server.js';

export async function tempDir(prefix = 'daq-server-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Captured log lines with a way to await one. */
export class LogCapture {
  readonly lines: string[] = [];
  private waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];

  sink = (line: string): void => {
    this.lines.push(line);
    this.waiters = this.waiters.filter((w) => (w.re.test(line) ? (w.resolve(line), false) : true));
  };

  /** Resolves once `n` lines in total match `re`. */
  async waitForCount(re: RegExp, n: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.filter((l) => re.test(l)).length < n) {
      const seen = this.lines.filter((l) => re.test(l)).length;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`expected ${n} log lines matching ${re}, got ${seen}`);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${n} log lines matching ${re}, got ${seen}`)), remaining);
        this.waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
      });
    }
  }

  /** The first line (already logged or future) matching `re`. */
  waitFor(re: RegExp, timeoutMs = 10_000): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line matching ${re} within ${timeoutMs} ms; got:\n${this.lines.join('\n')}`)), timeoutMs);
      this.waiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  }
}

export interface TestNode {
  server: RunningServer;
  client: DaqDataClient;
  channel: Channel;
  logs: LogCapture;
  root: string;
  config: ServerConfig;
  stop(): Promise<void>;
}

/** Test nodes are fed by UploadImages as often as by files: upload relays unless a test says otherwise. */
export async function startTestNode(config: Partial<ServerConfig> = {}, options: StartServerOptions = {}): Promise<TestNode> {
  const root = await tempDir();
  const logs = new LogCapture();
  const full = resolveServerConfig([
    { source: 'test', values: { host: '127.0.0.1', port: 0, nodeName: 'test-node', allowedDataRoots: [root], shutdownGraceSeconds: 1, uploadRelay: true, ...config } },
  ]);
  const server = await startServer(full, { logger: createLogger({ format: 'human', sink: logs.sink, level: 'debug' }), ...options }).catch(async (err: unknown) => {
    await rm(root, { recursive: true, force: true });
    throw err;
  });
  const channel = createChannel(`127.0.0.1:${server.port}`);
  const client = createClient(DaqDataDefinition, channel);
  return {
    server,
    client,
    channel,
    logs,
    root,
    config: full,
    async stop() {
      channel.close();
      await server.close(1000);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Cleanups run after each test, last registered first, and a node factory that registers the
 * node's stop: for test files whose tests each start their own nodes.
 */
export function perTestNodes(): {
  cleanups: Array<() => Promise<unknown>>;
  node(config?: Partial<ServerConfig>): Promise<TestNode>;
} {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    cleanups,
    async node(config = {}) {
      const n = await startTestNode(config);
      cleanups.push(() => n.stop());
      return n;
    },
  };
}

export function bearer(token: string): { metadata: Metadata } {
  return { metadata: Metadata({ authorization: `Bearer ${token}` }) };
}

// ---- frames ----

export function packet(n: number): QuaboPacket {
  return { pkt_num: n & 0xffff, pkt_tai: 500, pkt_nsec: (n * 1000) % 1_000_000_000, tv_sec: 1_700_000_000 + Math.floor(n / 1000), tv_usec: n % 1_000_000 };
}

export function headerFor(dp: DataProduct, n: number): FrameHeader {
  if (DATA_PRODUCTS[dp].headerLayout === 'flat') return { ...packet(n), quabo_num: n % 4 };
  return { quabo_0: packet(n), quabo_1: packet(n), quabo_2: packet(n), quabo_3: packet(n) };
}

/** Pixels that identify frame n: pixel i = (n * 7 + i) within the product's range. */
export function pixelsFor(dp: DataProduct, n: number): number[] {
  const info = DATA_PRODUCTS[dp];
  const count = info.rows * info.cols;
  const mod = info.bytesPerPixel === 1 ? 256 : 65536;
  return Array.from({ length: count }, (_, i) => {
    const v = (n * 7 + i) % mod;
    return info.signed ? (v >= 32768 ? v - 65536 : v) : v;
  });
}

export function frameBytes(dp: DataProduct, n: number): Uint8Array {
  return encodeFrame(headerFor(dp, n), pixelsFor(dp, n), DATA_PRODUCTS[dp]);
}

export const RUN_START = new Date('2024-07-25T04:34:06Z');

export async function runDir(dataDir: string, moduleId: number, start: Date = RUN_START): Promise<string> {
  const dir = join(dataDir, `module_${moduleId}`, formatRunDirName({ obs: 'Lick', start, runtype: 'sci-data' }));
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Appends frames like the recorder's buffered writer: in chunks that split frames. */
export class RecorderFile {
  private next = 0;
  private constructor(
    readonly path: string,
    readonly dp: DataProduct,
    private readonly writer: PffWriter,
  ) {}

  static async create(dir: string, dp: DataProduct, moduleId: number, seqno = 0, start: Date = RUN_START): Promise<RecorderFile> {
    const path = join(dir, formatDataFileName({ start, dataProduct: dp, moduleId, seqno }));
    return new RecorderFile(path, dp, await PffWriter.open(path, DATA_PRODUCTS[dp]));
  }

  get framesWritten(): number {
    return this.next;
  }

  /** Writes `count` frames, split into chunks of `chunk` bytes (not aligned to frames). */
  async write(count: number, chunk = 1000): Promise<number> {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < count; i++) parts.push(frameBytes(this.dp, this.next++));
    const all = Buffer.concat(parts);
    for (let pos = 0; pos < all.length; pos += chunk) await this.writer.appendRaw(all.subarray(pos, pos + chunk));
    return this.next - 1;
  }

  /** Raw bytes (e.g. half a frame or a corrupted one). */
  async writeRaw(bytes: Uint8Array, countsAsFrames = 0): Promise<void> {
    await this.writer.appendRaw(bytes);
    this.next += countsAsFrames;
  }

  async close(): Promise<void> {
    await this.writer.close();
  }
}

/** A valid uploadable img16 movie image identifying (module, frame). */
export function movieImage(moduleId: number, frameNumber: number, patch: Partial<PanoImage> = {}): PanoImage {
  return {
    type: PanoImage_Type.MOVIE,
    header: headerFor('img16', frameNumber) as unknown as Record<string, unknown>,
    imageArray: pixelsFor('img16', frameNumber),
    shape: [32, 32],
    bytesPerPixel: 2,
    file: `upload-${moduleId}`,
    frameNumber,
    moduleId,
    ...patch,
  };
}

// ---- streams ----

export interface Received {
  response: StreamImagesResponse;
  at: number;
}

/** Consumes a StreamImages call in the background; tests await conditions on what arrived. */
export class StreamRecorder {
  readonly received: Received[] = [];
  error: unknown;
  ended = false;
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  readonly done: Promise<void>;

  constructor(client: DaqDataClient, request: Parameters<DaqDataClient['streamImages']>[0]) {
    this.done = (async () => {
      try {
        for await (const response of client.streamImages(request, { signal: this.abort.signal })) {
          this.received.push({ response, at: performance.now() });
          this.notify();
        }
      } catch (err) {
        this.error = err;
      } finally {
        this.ended = true;
        this.notify();
      }
    })();
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `pred` holds over what was received (or rejects when the stream ends first). */
  async until(pred: (r: Received[]) => boolean, what: string, timeoutMs = 10_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (pred(this.received)) return this.received;
      if (this.ended) throw new Error(`stream ended before ${what}: ${String(this.error)}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}; received ${this.received.map(describe).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  images(): Array<NonNullable<StreamImagesResponse['panoImage']>> {
    return this.received.map((r) => r.response.panoImage!).filter(Boolean);
  }

  cancel(): Promise<void> {
    this.abort.abort();
    return this.done;
  }
}

export function describe(r: Received): string {
  const p = r.response.panoImage;
  return p ? `m${p.moduleId}/${p.type}/${p.file.slice(-30)}#${p.frameNumber}` : '(no image)';
}

export function hasFrame(moduleId: number, fileEnd: string | null, frameNumber: number) {
  return (rs: Received[]) =>
    rs.some((r) => {
      const p = r.response.panoImage;
      return p !== undefined && p.moduleId === moduleId && p.frameNumber === frameNumber && (fileEnd === null || p.file.endsWith(fileEnd));
    });
}

/** Resolves once the server has started `n` streams in total (each is subscribed to the hub by then). */
export function streamsStarted(node: TestNode, n: number): Promise<void> {
  return node.logs.waitForCount(/stream started/, n);
}

/** Resolves once the node has published `n` images in total (the hub tells every publication). */
export function published(node: TestNode, n: number): Promise<void> {
  const hub = node.server.node.hub;
  return new Promise((resolve) => {
    if (hub.publishedCount >= n) return resolve();
    const stop = hub.subscribe(() => {
      if (hub.publishedCount >= n) {
        stop();
        resolve();
      }
    });
  });
}
