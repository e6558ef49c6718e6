// The reference node's default acquisition ("uds", REFERENCE section 6): one Unix stream
// socket per data product at socketPathTemplate ({dp_name} filled in); the recorder connects
// and writes frames, each prefixed with its 2-byte module id. Frames enter the node like
// frames read from files: as BroadcastImages encoded by the same PanoImage encoder, with
// file `uds_<dp>` and a per-connection frame number (a reconnect starts again at 0).
//
// Every connection is independent: a malformed frame or a dropped connection is logged with
// the socket path and connection byte offset and affects nothing else. Bounds: a header
// longer than maxHeaderBytes ends the connection; at most maxConnectionsPerSocket connections
// per socket (more are closed at once, with a log line); a connection buffers at most one
// incomplete frame; a connection silent for readTimeoutSeconds is closed.
import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { DATA_PRODUCTS, isDataProduct, type DataProduct, type DataProductInfo } from '@daqdata/core';
import { broadcastImage, type BroadcastImage } from '../broadcast/broadcast-image.js';
import type { Clock } from '../broadcast/clock.js';
import { encodeFramePanoImage } from '../broadcast/pano-image-encoding.js';
import { framePixelsOf } from '../broadcast/frame-pixels.js';
import type { Logger } from '../log/logger.js';
import { ProblemLogBudget } from './problem-log-budget.js';
import { RecorderStreamDecoder } from './recorder-stream-decoder.js';
import { clearStaleSocket } from './unix-socket-file.js';

export const DP_NAME_PLACEHOLDER = '{dp_name}';
/** A real header is ~120 bytes (ph256) or ~540 bytes (32x32, four quabo lines). */
export const DEFAULT_MAX_HEADER_BYTES = 4096;
export const DEFAULT_MAX_CONNECTIONS_PER_SOCKET = 8;
/** Problem lines one connection may log per minute; more are counted and reported with the next. */
const PROBLEM_LINES_PER_MINUTE = 20;

export interface RecorderSocketsOptions {
  dataProducts: readonly string[];
  socketPathTemplate: string;
  readTimeoutSeconds: number;
  log: Logger;
  clock: Clock;
  onImage(image: BroadcastImage): void;
  maxHeaderBytes?: number;
  maxConnectionsPerSocket?: number;
}

export interface RecorderSocketStats {
  path: string;
  dataProduct: DataProduct;
  /** Connections open now. */
  connections: number;
  connectionsAccepted: number;
  /** Turned away because maxConnectionsPerSocket were open. */
  connectionsRefused: number;
  /** Closed for silence (readTimeoutSeconds). */
  timeouts: number;
  frames: number;
  malformedFrames: number;
  /** Times the framing was found again after bytes that were not frames. */
  resynchronisations: number;
  bytes: number;
  bytesSkipped: number;
}

export interface RecorderSockets {
  /** Stops listening, closes every connection and removes the socket files. */
  close(): Promise<void>;
  /** One per data product, in the order given. */
  readonly paths: string[];
  stats(): RecorderSocketStats[];
}

/** setTimeout's limit (2^31 - 1 ms), in whole seconds. */
export const MAX_READ_TIMEOUT_SECONDS = 2_147_483;

/** Why these settings cannot work, naming the field, or null: for the config check and for start-up. */
export function recorderSocketsProblem(s: Pick<RecorderSocketsOptions, 'dataProducts' | 'socketPathTemplate' | 'readTimeoutSeconds'>): string | null {
  const { dataProducts, socketPathTemplate: template, readTimeoutSeconds: t } = s;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || t > MAX_READ_TIMEOUT_SECONDS) {
    return `readTimeoutSeconds must be a number of seconds > 0 and <= ${MAX_READ_TIMEOUT_SECONDS}`;
  }
  if (dataProducts.length === 0) return 'dataProducts is empty: list at least one data product';
  const unknown = dataProducts.find((name) => !isDataProduct(name));
  if (unknown !== undefined) return `dataProducts: "${unknown}" is not a data product (${Object.keys(DATA_PRODUCTS).join(', ')})`;
  if (new Set(dataProducts).size !== dataProducts.length) return 'dataProducts lists a data product twice';
  if (dataProducts.length > 1 && !template.includes(DP_NAME_PLACEHOLDER)) {
    return `socketPathTemplate "${template}" has no ${DP_NAME_PLACEHOLDER}: every data product would share one socket`;
  }
  return null;
}

export async function startRecorderSockets(opts: RecorderSocketsOptions): Promise<RecorderSockets> {
  const problem = recorderSocketsProblem(opts);
  if (problem) throw new Error(`recorder sockets: ${problem}`);
  const targets = opts.dataProducts.map((name) => ({ dataProduct: DATA_PRODUCTS[name as DataProduct], path: opts.socketPathTemplate.replaceAll(DP_NAME_PLACEHOLDER, name) }));
  const listeners: RecorderSocketListener[] = [];
  try {
    for (const { dataProduct, path } of targets) listeners.push(await RecorderSocketListener.start(dataProduct, path, opts));
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()));
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    paths: targets.map((t) => t.path),
    stats: () => listeners.map((l) => l.stats()),
    close: () => (closing ??= Promise.all(listeners.map((l) => l.close())).then(() => undefined)),
  };
}

class RecorderSocketListener {
  /** Open connections, each with the reason it will be logged as ended with. */
  private readonly connections = new Map<Socket, { outcome: string }>();
  private readonly counters = { connectionsAccepted: 0, connectionsRefused: 0, timeouts: 0, frames: 0, malformedFrames: 0, resynchronisations: 0, bytes: 0, bytesSkipped: 0 };
  private connectionCounter = 0;
  private readonly file: string;
  private readonly log: Logger;

  private constructor(
    private readonly dataProduct: DataProductInfo,
    private readonly path: string,
    private readonly server: Server,
    private readonly opts: RecorderSocketsOptions,
  ) {
    this.file = `uds_${dataProduct.name}`;
    this.log = opts.log.child({ socket: path });
  }

  static async start(dataProduct: DataProductInfo, path: string, opts: RecorderSocketsOptions): Promise<RecorderSocketListener> {
    if (await clearStaleSocket(path, `recorder socket (${dataProduct.name})`)) {
      opts.log.info('replaced a stale recorder socket file', { socket: path });
    }
    const server = createServer({ pauseOnConnect: false });
    const listener = new RecorderSocketListener(dataProduct, path, server, opts);
    server.on('connection', (socket) => listener.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`recorder socket (${dataProduct.name}) ${path}: cannot listen: ${err.message}`)));
      server.listen(path, () => resolve());
    });
    server.on('error', (err) => listener.log.warn('recorder socket error', { error: err.message }));
    opts.log.info('recorder socket listening', { socket: path, dp: dataProduct.name, readTimeoutSeconds: opts.readTimeoutSeconds });
    return listener;
  }

  private accept(socket: Socket): void {
    const id = ++this.connectionCounter;
    const log = this.log.child({ connection: id });
    const max = this.opts.maxConnectionsPerSocket ?? DEFAULT_MAX_CONNECTIONS_PER_SOCKET;
    if (this.connections.size >= max) {
      this.counters.connectionsRefused++;
      log.warn('recorder connection refused: too many connections on this socket', { max });
      socket.destroy();
      return;
    }
    this.counters.connectionsAccepted++;
    const state = { outcome: 'recorder closed the connection' };
    this.connections.set(socket, state);
    const decoder = new RecorderStreamDecoder(this.dataProduct, this.file, this.opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES);
    const budget = new ProblemLogBudget(PROBLEM_LINES_PER_MINUTE, 60_000);
    let bytes = 0;
    const openedAt = this.opts.clock();
    log.info('recorder connected');
    socket.setTimeout(this.opts.readTimeoutSeconds * 1000);
    socket.on('timeout', () => {
      this.counters.timeouts++;
      state.outcome = `silent for ${this.opts.readTimeoutSeconds} s (read timeout)`;
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      this.counters.bytes += chunk.length;
      const before = { skipped: decoder.bytesSkipped, malformed: decoder.malformedFrames, resyncs: decoder.resynchronisations };
      const { frames, problems } = decoder.push(chunk);
      this.counters.bytesSkipped += decoder.bytesSkipped - before.skipped;
      this.counters.malformedFrames += decoder.malformedFrames - before.malformed;
      this.counters.resynchronisations += decoder.resynchronisations - before.resyncs;
      for (const problem of problems) {
        if (problem.fatal) {
          state.outcome = `undecodable: ${problem.reason}`;
          log.warn('recorder stream undecodable: closing the connection', { offset: problem.offset, reason: problem.reason });
          socket.destroy();
        } else {
          const take = budget.take(this.opts.clock());
          if (take.log) log.warn('recorder stream problem', { offset: problem.offset, reason: problem.reason, notLogged: take.suppressed || undefined });
        }
      }
      const seenAt = this.opts.clock();
      for (const frame of frames) {
        this.counters.frames++;
        const meta = { file: this.file, moduleId: frame.moduleId, dataProduct: this.dataProduct };
        this.opts.onImage(
          broadcastImage({ moduleId: frame.moduleId, kind: this.dataProduct.kind, file: this.file, frameNumber: frame.index, seenAt }, () => encodeFramePanoImage(frame, meta), () => framePixelsOf(frame, this.dataProduct)),
        );
      }
    });
    socket.on('error', (err) => {
      state.outcome = `connection error: ${err.message}`;
    });
    socket.on('close', () => {
      this.connections.delete(socket);
      const partial = decoder.pendingBytes;
      log.info('recorder connection ended', {
        reason: state.outcome,
        frames: decoder.framesDecoded,
        malformed: decoder.malformedFrames,
        problemsNotLogged: budget.pending || undefined,
        bytes,
        seconds: Number(((this.opts.clock() - openedAt) / 1000).toFixed(3)),
        // A frame cut off by the disconnect: where it began and how much of it arrived.
        ...(partial > 0 ? { offset: decoder.offset, partialFrameBytes: partial } : {}),
      });
    });
  }

  stats(): RecorderSocketStats {
    return { path: this.path, dataProduct: this.dataProduct.name, connections: this.connections.size, ...this.counters };
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const [socket, state] of this.connections) {
      state.outcome = 'the node is shutting down';
      socket.destroy();
    }
    await closed;
    await rm(this.path, { force: true });
  }
}
