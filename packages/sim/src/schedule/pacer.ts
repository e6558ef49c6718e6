// Plays a timeline in real time: each frame is handed to `write` when the wall clock reaches
// its timeline position divided by the speed factor. A writer slower than the timeline is
// never skipped ahead of: frames go out late, in order, and the lag is reported.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TimedFrame } from './timed-frame.js';

export interface PaceOptions {
  /** Timeline seconds per wall second; Infinity writes as fast as possible. */
  speed: number;
  signal: AbortSignal;
  write(frame: TimedFrame): Promise<void>;
  /** Called before waiting longer than idleMs: lets a buffered writer flush, as a recorder does when idle. */
  idle?(): Promise<void>;
  idleMs?: number;
  /** Stop after this many frames. */
  maxFrames?: number;
  /** Stop at this wall-clock offset (timeline offset / speed), in milliseconds. */
  durationMs?: number;
  /** Monotonic milliseconds; performance.now() by default. */
  now?: () => number;
  /** Called after each frame is written, with its due and actual wall offsets. */
  onFrame?(frame: TimedFrame, dueMs: number, writtenMs: number): void;
}

export interface PaceResult {
  frames: number;
  /** How far behind schedule the latest frame was written, in milliseconds. */
  lagMs: number;
  /** Why the pacer stopped. */
  ended: 'timeline-end' | 'max-frames' | 'duration' | 'aborted';
}

/** A frame's due time in wall milliseconds after the start. */
export function dueMs(offsetNs: bigint, speed: number): number {
  return speed === Infinity ? 0 : Number(offsetNs) / 1e6 / speed;
}

export async function pace(frames: AsyncIterable<TimedFrame>, opts: PaceOptions): Promise<PaceResult> {
  if (!(opts.speed > 0)) throw new RangeError(`speed must be positive, got ${opts.speed}`);
  const now = opts.now ?? (() => performance.now());
  const idleMs = opts.idleMs ?? 50;
  const start = now();
  let count = 0;
  let lagMs = 0;
  if (opts.maxFrames === 0) return { frames: 0, lagMs, ended: 'max-frames' };
  for await (const frame of frames) {
    if (opts.signal.aborted) return { frames: count, lagMs, ended: 'aborted' };
    const due = dueMs(frame.offsetNs, opts.speed);
    if (opts.durationMs !== undefined && due > opts.durationMs) return { frames: count, lagMs, ended: 'duration' };
    let wait = due - (now() - start);
    if (wait > idleMs && opts.idle) {
      await opts.idle();
      wait = due - (now() - start);
    }
    if (wait > 0) {
      try {
        // Timers have millisecond resolution: round up so a frame is never written early. At
        // high rates the frames that fall due meanwhile then go out together after the wake-up.
        await sleep(Math.ceil(wait), undefined, { signal: opts.signal });
      } catch {
        return { frames: count, lagMs, ended: 'aborted' };
      }
    }
    await opts.write(frame);
    const written = now() - start;
    lagMs = Math.max(0, written - due);
    count++;
    opts.onFrame?.(frame, due, written);
    if (opts.maxFrames !== undefined && count >= opts.maxFrames) return { frames: count, lagMs, ended: 'max-frames' };
  }
  return { frames: count, lagMs, ended: opts.signal.aborted ? 'aborted' : 'timeline-end' };
}
