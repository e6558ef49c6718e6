// Replay cadence: record i is due (arrival_i - arrival_0) / speed after the replay starts.
// Speed 0 means "as fast as possible" (no waiting).

/** Milliseconds after the start at which a record that arrived at arrivalMs is due. */
export function replayDueMs(firstArrivalMs: number, arrivalMs: number, speed: number): number {
  if (speed === 0) return 0;
  return Math.max(0, (arrivalMs - firstArrivalMs) / speed);
}

export function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed < 0) throw new Error(`--speed: "${value}" is not a non-negative number (0 replays as fast as possible)`);
  return speed;
}
