// The per-slot throttle: when may the newest frame of one (client, module, image type) go out?
// A pure function of three numbers, so its rules are unit-tested without clocks:
// - nothing sent yet, or the interval has elapsed since the last send: send now;
// - otherwise, if no send is scheduled, schedule one for when the interval ends;
// - if one is already scheduled, coalesce: the newer frame replaces the pending one and goes
//   out at the already scheduled time.

export type ThrottleDecision =
  | { readonly action: 'send-now' }
  | { readonly action: 'schedule'; readonly at: number }
  | { readonly action: 'coalesce' };

/**
 * @param now        current time (ms, any monotonic clock)
 * @param lastSentAt time of the previous send on this slot, or null if none yet
 * @param intervalMs the slot's minimum spacing between sends
 * @param scheduled  whether a deferred send is already pending on this slot
 */
export function decideThrottle(now: number, lastSentAt: number | null, intervalMs: number, scheduled: boolean): ThrottleDecision {
  if (scheduled) return { action: 'coalesce' };
  if (lastSentAt === null || now - lastSentAt >= intervalMs) return { action: 'send-now' };
  return { action: 'schedule', at: lastSentAt + intervalMs };
}
