// Reconnect policy: exponential backoff with jitter. Pure, so the schedule is testable without
// clocks; the random source is a parameter.

export interface ReconnectOptions {
  /** Reconnect at all (default true). false: a host that fails or ends is gone at once. */
  enabled: boolean;
  /** Delay before the first retry, in ms (default 100). */
  initialDelayMs: number;
  /** Upper bound of the delay, in ms (default 10 000). */
  maxDelayMs: number;
  /** Growth per attempt (default 2). */
  factor: number;
  /** Fraction of each delay that is random, 0..1 (default 0.5): spreads out clients that lost the same node. */
  jitter: number;
  /** Retries in a row before a host is given up as gone (default Infinity). */
  maxAttempts: number;
}

export const DEFAULT_RECONNECT: Readonly<ReconnectOptions> = {
  enabled: true,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/** Fills in defaults and checks the values; `false` switches reconnecting off. */
export function reconnectOptions(given: Partial<ReconnectOptions> | boolean | undefined): ReconnectOptions {
  if (given === false) return { ...DEFAULT_RECONNECT, enabled: false };
  const o = { ...DEFAULT_RECONNECT, ...(given === true || given === undefined ? {} : given) };
  const bad = (key: string, why: string) => new RangeError(`reconnect.${key} ${why}`);
  if (!(o.initialDelayMs >= 0)) throw bad('initialDelayMs', `must be >= 0, got ${o.initialDelayMs}`);
  if (!(o.maxDelayMs >= o.initialDelayMs)) throw bad('maxDelayMs', `must be >= initialDelayMs (${o.initialDelayMs}), got ${o.maxDelayMs}`);
  if (!(o.factor >= 1)) throw bad('factor', `must be >= 1, got ${o.factor}`);
  if (!(o.jitter >= 0 && o.jitter <= 1)) throw bad('jitter', `must be between 0 and 1, got ${o.jitter}`);
  if (!(o.maxAttempts >= 0)) throw bad('maxAttempts', `must be >= 0, got ${o.maxAttempts}`);
  return o;
}

/**
 * Delay before retry number `attempt` (1-based): initial * factor^(attempt-1), capped at max,
 * with the top `jitter` fraction replaced by a uniform random share of it.
 */
export function backoffDelayMs(attempt: number, o: ReconnectOptions, random: () => number = Math.random): number {
  const base = Math.min(o.maxDelayMs, o.initialDelayMs * o.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - o.jitter) + base * o.jitter * random());
}
