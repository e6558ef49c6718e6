// Frames per second from arrival times: over the frames of the last window, the number of
// intervals divided by the time they span. Arrival times are passed in, never read from a
// clock here, so the figure is reproducible. Shared by the terminal viewer and the browser.

/** The window over which rates are measured (ms). */
export const RATE_WINDOW_MS = 10_000;

/** Rate over the arrivals (ms, ascending) within windowMs before nowMs; null with fewer than two. */
export function frameRate(arrivalsMs: readonly number[], nowMs: number, windowMs = RATE_WINDOW_MS): number | null {
  const recent = arrivalsMs.filter((t) => t > nowMs - windowMs && t <= nowMs);
  if (recent.length < 2) return null;
  const span = recent[recent.length - 1]! - recent[0]!;
  return span > 0 ? ((recent.length - 1) * 1000) / span : null;
}

/** "12.3 fps", "0.05 fps", or "– fps" when unknown (another unit: "4.0 ev/s"). */
export function formatRate(rate: number | null, unit = 'fps'): string {
  if (rate === null) return `– ${unit}`;
  return `${rate >= 10 ? rate.toFixed(1) : rate.toPrecision(2)} ${unit}`;
}
