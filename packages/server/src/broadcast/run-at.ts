// Runs a callback at a clock time. Node timers count whole milliseconds from a cached loop
// time, so they can fire a fraction of a millisecond early or up to a millisecond late; a
// throttle re-checking "is it time yet?" would then wait another full millisecond. Here the
// last sub-millisecond is waited with setImmediate (the next loop turn) instead.
//
// Node's setTimeout takes at most 2^31-1 ms (24.8 days); a longer delay is not clamped but
// replaced by 1 ms with a TimeoutOverflowWarning, so an interval of 1e7 s became a busy loop.
// Every timer of the node goes through here: a longer wait is a chain of maximal timers, each
// re-checking the clock, and a target that is not a finite time never fires.
import type { Clock } from './clock.js';

export type Cancel = () => void;

/** The longest delay Node's setTimeout honours. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export function runAt(at: number, clock: Clock, fn: () => void): Cancel {
  let cancelled = false;
  let timeout: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const arm = (): void => {
    if (cancelled) return;
    const remaining = at - clock();
    if (remaining < 1) {
      immediate = setImmediate(fn);
      return;
    }
    if (remaining > MAX_TIMER_DELAY_MS) {
      // Not yet: wait the longest legal delay and look again (never, for an infinite target).
      if (Number.isFinite(remaining)) timeout = setTimeout(arm, MAX_TIMER_DELAY_MS);
      return;
    }
    timeout = setTimeout(fn, remaining);
  };
  arm();
  return () => {
    cancelled = true;
    clearTimeout(timeout);
    clearImmediate(immediate);
  };
}
