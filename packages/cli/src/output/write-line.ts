// Writing output lines at the consumer's pace: wait for 'drain' when the pipe is full, and
// stop quietly when the reader has gone (`daq stream | head`).
import type { Writable } from 'node:stream';

export async function writeLine(out: NodeJS.WritableStream, line: string): Promise<void> {
  // Once the reader has gone the stream is destroyed: a 'drain' would never come.
  if ((out as Partial<Writable>).destroyed) return;
  if (!out.write(line + '\n')) await drainedOrGone(out);
}

/**
 * Resolves on 'drain', or when the reader goes away while we wait (EPIPE, close): that is
 * the end of the output, not a failure, and stopOnBrokenPipe turns it into a stop. Any other
 * error rejects. (events.once(out, 'drain') would reject on the EPIPE.)
 */
function drainedOrGone(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: NodeJS.ErrnoException) => {
      out.off('drain', onDrain);
      out.off('close', onDrain);
      out.off('error', onError);
      if (err !== undefined && err.code !== 'EPIPE') reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (err: NodeJS.ErrnoException) => settle(err);
    out.on('drain', onDrain);
    out.on('close', onDrain);
    out.on('error', onError);
  });
}

/** Aborts the controller when stdout's reader closes the pipe (EPIPE) instead of crashing. */
export function stopOnBrokenPipe(out: NodeJS.WritableStream, controller: AbortController): () => void {
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') controller.abort();
    else throw e;
  };
  out.on('error', onError);
  return () => out.off('error', onError);
}
