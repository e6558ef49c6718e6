// One paced slot: a pending value, released at most once per interval. The node paces four
// things with it (a client's latest-wins image per module and type, a file follower's reads and
// identity checks, the upload queue's drains, an every-frame client's batches): each used to
// carry its own copy of "throttle decision + timer + field". The decision is the pure
// throttle (throttle.ts); the timer is runAt (timers that cannot overflow), owned here and
// cancelled by the AbortSignal, so nothing fires after its owner is gone.
//
// offer() stores a value (replacing an unreleased one: latest wins) and, when the interval
// allows, calls onDue() — at once or when the interval ends. The slot stays due until the
// owner take()s the value; take() restarts the interval. A value offered while the slot is due
// or scheduled coalesces into that release.
import type { Clock } from './clock.js';
import { runAt, type Cancel } from './run-at.js';
import { decideThrottle } from './throttle.js';

export interface PacedSlotOptions {
  /** Minimum ms between two take()s that release a value; read at every decision. */
  intervalMs: () => number;
  clock: Clock;
  /** Called when the pending value may go out; the owner calls take() (now or later). */
  onDue: () => void;
  /** Aborting drops the pending value, cancels the timer and ignores later offers. */
  signal?: AbortSignal;
}

export class PacedSlot<T> {
  /** The pending value when `has` (no wrapper object: offered once per frame on hot paths). */
  private value: T | undefined = undefined;
  private has = false;
  private lastTakenAt: number | null = null;
  private timer: Cancel | null = null;
  private due = false;

  constructor(private readonly o: PacedSlotOptions) {
    o.signal?.addEventListener('abort', () => this.cancel(), { once: true });
  }

  /** Stores `value` (latest wins) and paces its release; returns true when it replaced an unreleased value. */
  offer(value: T): boolean {
    if (this.o.signal?.aborted) return false;
    const replaced = this.has;
    this.value = value;
    this.has = true;
    this.pace();
    return replaced;
  }

  private pace(): void {
    const decision = decideThrottle(this.o.clock(), this.lastTakenAt, this.o.intervalMs(), this.timer !== null || this.due);
    if (decision.action === 'send-now') {
      this.due = true;
      this.o.onDue();
    } else if (decision.action === 'schedule') {
      // pace() again when the time comes: it re-checks (timers may fire a hair early).
      this.timer = runAt(decision.at, this.o.clock, () => {
        this.timer = null;
        if (this.has) this.pace();
      });
    }
  }

  /**
   * Releases the pending value (undefined if none) and starts a new interval at `now`,
   * cancelling a scheduled release. Pass the clock reading the owner reports (a send time), so
   * the spacing it shows is exactly the spacing enforced.
   */
  take(now: number = this.o.clock()): T | undefined {
    this.timer?.();
    this.timer = null;
    this.due = false;
    this.lastTakenAt = now;
    const value = this.value;
    this.value = undefined;
    this.has = false;
    return value;
  }

  get hasPending(): boolean {
    return this.has;
  }

  /** Drops the pending value and the timer (also done by the signal). */
  cancel(): void {
    this.timer?.();
    this.timer = null;
    this.due = false;
    this.value = undefined;
    this.has = false;
  }
}
