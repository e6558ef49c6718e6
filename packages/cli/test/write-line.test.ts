// Output to a reader that goes away (`daq stream --json | head`): the run stops quietly
// instead of failing with "write EPIPE".
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stopOnBrokenPipe, writeLine } from '../src/output/write-line.js';

/** A pipe whose reader has gone: every write fails with EPIPE, as process.stdout does after `head` exits. */
function brokenPipe(): Writable {
  return new Writable({
    highWaterMark: 1,
    write(_chunk, _enc, callback) {
      setImmediate(() => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })));
    },
  });
}

describe('writeLine to a reader that has gone', () => {
  it('a write waiting for drain when EPIPE comes resolves, and the run is stopped', async () => {
    const out = brokenPipe();
    const controller = new AbortController();
    stopOnBrokenPipe(out, controller);
    // The buffer is full after one line: writeLine waits for 'drain', and EPIPE arrives instead.
    await expect(writeLine(out, 'a line longer than the high-water mark')).resolves.toBeUndefined();
    expect(controller.signal.aborted).toBe(true);
    // Later lines (already on their way when the stop came) are dropped without waiting.
    await expect(writeLine(out, 'another line')).resolves.toBeUndefined();
  });

  it('another write error still fails the run', async () => {
    const out = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, callback) {
        setImmediate(() => callback(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })));
      },
    });
    await expect(writeLine(out, 'a line')).rejects.toThrow('no space left on device');
  });
});
