// One clock for throttling and for the responses' send timestamps, so the spacing a client
// sees in `timestamp` is exactly the spacing the throttle enforced. Sub-millisecond, Unix-based.
export type Clock = () => number;

export const unixClockMs: Clock = () => performance.timeOrigin + performance.now();
