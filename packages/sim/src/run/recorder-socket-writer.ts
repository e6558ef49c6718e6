// Plays the recorder on a node's recorder sockets (the reference's `uds` acquisition,
// REFERENCE section 6): one Unix stream connection per data product, at the node's
// socketPathTemplate with {dp_name} filled in, carrying [module id: 2 bytes, big-endian]
// followed by the frame exactly as it goes into a file (header text ending "\n\n", '*',
// pixels). The same interface as the RunWriter, so one pacer drives either.
import { connect, type Socket } from 'node:net';
import type { DataProduct } from '@daqdata/core';
import type { RunWriterStats } from './run-writer.js';

/** The node's placeholder for the data product's name in socketPathTemplate. */
const DP_NAME_PLACEHOLDER = '{dp_name}';
const MAX_MODULE_ID = 0xffff;

export function recorderSocketPath(socketPathTemplate: string, dataProduct: DataProduct): string {
  return socketPathTemplate.replaceAll(DP_NAME_PLACEHOLDER, dataProduct);
}

interface Connection {
  path: string;
  socket: Socket;
  /** Why the connection can no longer be written, once it cannot. */
  broken: Error | null;
}

function open(path: string, dataProduct: DataProduct): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('error', (err) => reject(new Error(`recorder socket (${dataProduct}) ${path}: cannot connect: ${err.message}`)));
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      const c: Connection = { path, socket, broken: null };
      socket.on('error', (err) => (c.broken ??= new Error(`recorder socket (${dataProduct}) ${path}: ${err.message}`)));
      socket.on('close', () => (c.broken ??= new Error(`recorder socket (${dataProduct}) ${path}: the node closed the connection`)));
      resolve(c);
    });
  });
}

export class RecorderSocketWriter {
  private readonly stats: RunWriterStats = { frames: 0, bytes: 0, files: [] };
  private closed = false;

  private constructor(private readonly connections: ReadonlyMap<DataProduct, Connection>) {}

  /** Connects to the socket of every data product; fails naming the first socket that does not answer. */
  static async connect(socketPathTemplate: string, dataProducts: readonly DataProduct[]): Promise<RecorderSocketWriter> {
    const connections = new Map<DataProduct, Connection>();
    try {
      for (const dp of new Set(dataProducts)) connections.set(dp, await open(recorderSocketPath(socketPathTemplate, dp), dp));
    } catch (err) {
      for (const c of connections.values()) c.socket.destroy();
      throw err;
    }
    return new RecorderSocketWriter(connections);
  }

  get written(): Readonly<RunWriterStats> {
    return this.stats;
  }

  /** Sends one frame on its data product's connection; waits while the node's side is full. */
  async write(moduleId: number, dataProduct: DataProduct, frame: Uint8Array): Promise<void> {
    if (this.closed) throw new Error('recorder socket writer is closed');
    const c = this.connections.get(dataProduct);
    if (!c) throw new Error(`no recorder socket connection for ${dataProduct}`);
    if (c.broken) throw c.broken;
    if (!Number.isInteger(moduleId) || moduleId < 0 || moduleId > MAX_MODULE_ID) throw new RangeError(`module id ${moduleId} does not fit the recorder's 2-byte prefix`);
    const bytes = Buffer.allocUnsafe(2 + frame.length);
    bytes.writeUInt16BE(moduleId, 0);
    bytes.set(frame, 2);
    this.stats.frames++;
    this.stats.bytes += frame.length;
    if (c.socket.write(bytes)) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        c.socket.off('drain', done).off('close', done);
        if (c.broken) reject(c.broken);
        else resolve();
      };
      c.socket.on('drain', done).on('close', done);
    });
  }

  /** Nothing is buffered here: each frame went out whole. */
  async flush(): Promise<void> {}

  /** Ends every connection after what was written (the node sees the recorder hang up). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      [...this.connections.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.socket.destroyed) return resolve();
            c.socket.once('close', () => resolve());
            c.socket.end();
          }),
      ),
    );
  }
}
