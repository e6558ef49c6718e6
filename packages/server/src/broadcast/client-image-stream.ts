// What one StreamImages client receives. Per module and image type there is one latest-wins
// slot: a newer image replaces an unsent one (counted as a drop), so a slow or stalled client
// costs at most one pending image per slot and never delays anyone else. Each slot is paced by
// the pure throttle; ready slots wait in FIFO order so a busy module cannot starve a quiet one.
// The consumer pulls with `next()`: nice-grpc only asks for the next message once the previous
// one was accepted by the transport, which is the backpressure that bounds memory.
import type { ImageKind } from '@daqdata/core';
import type { BroadcastImage } from './broadcast-image.js';
import type { Clock } from './clock.js';
import { runAt, type Cancel } from './run-at.js';
import { decideThrottle } from './throttle.js';

interface Slot {
  pending: BroadcastImage | null;
  lastSentAt: number | null;
  timer: Cancel | null;
  ready: boolean;
}

export interface ImageSelection {
  movie: boolean;
  pulseHeight: boolean;
  /** Empty: every module. */
  moduleIds: ReadonlySet<number>;
}

export function selects(selection: ImageSelection, moduleId: number, kind: ImageKind): boolean {
  if (kind === 'movie' ? !selection.movie : !selection.pulseHeight) return false;
  return selection.moduleIds.size === 0 || selection.moduleIds.has(moduleId);
}

export interface SentImage {
  image: BroadcastImage;
  /** Clock reading at hand-off: the response's timestamp and the throttle's reference. */
  sentAt: number;
}

export type StreamEnd = { reason: 'aborted' } | { reason: 'ended'; error: Error };

export class ClientImageStream {
  private readonly slots = new Map<string, Slot>();
  private readonly readyQueue: Slot[] = [];
  private wake: (() => void) | null = null;
  private end: StreamEnd | null = null;
  sent = 0;
  dropped = 0;

  constructor(
    private readonly selection: ImageSelection,
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {}

  /** Called by the hub for every published image. */
  offer(image: BroadcastImage): void {
    if (this.end || !selects(this.selection, image.moduleId, image.kind)) return;
    const key = `${image.moduleId}:${image.kind}`;
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { pending: null, lastSentAt: null, timer: null, ready: false };
      this.slots.set(key, slot);
    }
    if (slot.pending) this.dropped++;
    slot.pending = image;
    this.pace(slot);
  }

  private pace(slot: Slot): void {
    const decision = decideThrottle(this.clock(), slot.lastSentAt, this.intervalMs, slot.timer !== null || slot.ready);
    if (decision.action === 'send-now') {
      slot.ready = true;
      this.readyQueue.push(slot);
      this.wake?.();
    } else if (decision.action === 'schedule') {
      // pace() again when the time comes: it re-checks (timers may fire a hair early) and sends.
      slot.timer = runAt(decision.at, this.clock, () => {
        slot.timer = null;
        if (slot.pending) this.pace(slot);
      });
    }
  }

  /** The next image to send, or the reason the stream is over. Waits without polling. */
  async next(): Promise<SentImage | StreamEnd> {
    for (;;) {
      if (this.end) return this.end;
      const slot = this.readyQueue.shift();
      if (slot) {
        slot.ready = false;
        const image = slot.pending;
        slot.pending = null;
        if (!image) continue;
        const sentAt = this.clock();
        slot.lastSentAt = sentAt;
        this.sent++;
        return { image, sentAt };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  /** Ends the stream: 'aborted' when the client went away, or an error status to send. */
  close(end: StreamEnd): void {
    if (this.end) return;
    this.end = end;
    for (const slot of this.slots.values()) slot.timer?.();
    this.slots.clear();
    this.readyQueue.length = 0;
    this.wake?.();
  }

  /** Images held for this client right now (bounded by the number of slots). */
  get pendingCount(): number {
    let n = 0;
    for (const slot of this.slots.values()) if (slot.pending) n++;
    return n;
  }
}
