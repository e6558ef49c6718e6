// Runs a callback at a clock time. Node timers count whole milliseconds from a cached loop
// time, so they can fire a fraction of a millisecond early or up to a millisecond late; a
// throttle re-checking "is it time yet?" would then wait another full millisecond. Here the
// last sub-millisecond is waited with setImmediate (the next loop turn) instead.
import type { Clock } from './clock.js';

export type Cancel = () => void;

export function runAt(at: number, clock: Clock, fn: () => void): Cancel {
  const remaining = at - clock();
  if (remaining < 1) {
    const handle = setImmediate(fn);
    return () => clearImmediate(handle);
  }
  const handle = setTimeout(fn, remaining);
  return () => clearTimeout(handle);
}
