// The reference's `filesystem_pipe` acquisition: the recorder writes status lines into a named
// pipe (read_status_pipe_name, "read_status_2") and blocks once the pipe's 64 KiB buffer is
// full unless someone reads it. This node reads and discards what arrives, so the recorder
// never blocks; frames still come from the run-directory watcher.
//
// Node has no mkfifo(), so a missing pipe is created with the `mkfifo` program (coreutils).
// The pipe is opened read-write: on Linux that open never blocks (a read-only open waits for
// a writer, in the thread pool), and the node holding a write end means it never sees
// end-of-file when a recorder closes and reopens the pipe. Reads then go through libuv's
// event loop like a socket's, never the thread pool. The pipe is left in place at shutdown:
// the recorder may hold it open.
import { execFile } from 'node:child_process';
import { constants, open } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import type { Logger } from '../log/logger.js';

export interface StatusPipeDrain {
  readonly path: string;
  /** Bytes read and discarded so far. */
  readonly bytesDrained: number;
  close(): Promise<void>;
}

async function ensureFifo(path: string, log: Logger): Promise<void> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new Error(`statusPipe ${path}: ${err.message}`);
  });
  if (info) {
    if (!info.isFIFO()) throw new Error(`statusPipe ${path} exists and is not a named pipe (FIFO)`);
    return;
  }
  try {
    await promisify(execFile)('mkfifo', [path]);
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`statusPipe ${path}: cannot create the named pipe with mkfifo: ${(e.stderr || e.message).trim()}`);
  }
  log.info('created the status pipe', { statusPipe: path });
}

export async function startStatusPipeDrain(path: string, log: Logger): Promise<StatusPipeDrain> {
  await ensureFifo(path, log);
  // A plain fd (not a FileHandle): the Socket owns it and closes it when destroyed.
  const fd = await promisify(open)(path, constants.O_RDWR | constants.O_NONBLOCK).catch((err: Error) => {
    throw new Error(`statusPipe ${path}: cannot open: ${err.message}`);
  });
  const pipe = new Socket({ fd, readable: true, writable: false });
  let bytesDrained = 0;
  pipe.on('data', (chunk: Buffer) => {
    bytesDrained += chunk.length;
  });
  pipe.on('error', (err) => log.warn('status pipe read error', { statusPipe: path, error: err.message }));
  const closed = new Promise<void>((resolve) => pipe.once('close', () => resolve()));
  log.info('draining the status pipe', { statusPipe: path });
  return {
    path,
    get bytesDrained() {
      return bytesDrained;
    },
    async close() {
      pipe.destroy();
      await closed;
    },
  };
}
