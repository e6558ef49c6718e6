// Writing output lines at the consumer's pace: wait for 'drain' when the pipe is full, and
// stop quietly when the reader has gone (`daq stream | head`).
import { once } from 'node:events';

export async function writeLine(out: NodeJS.WritableStream, line: string): Promise<void> {
  if (!out.write(line + '\n')) await once(out, 'drain');
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
