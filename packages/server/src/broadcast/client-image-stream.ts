// What one StreamImages client receives. Per module and image type there is one latest-wins
// slot: a newer image replaces an unsent one (counted as a drop), so a slow or stalled client
// costs at most one pending image per slot and never delays anyone else. Each slot is paced by
// the pure throttle; ready slots wait in FIFO order so a busy module cannot starve a quiet one.
// The consumer pulls with `next()`: nice-grpc only asks for the next message once the previous
// one was accepted by the transport, which is the backpressure that bounds memory.
import type { ImageKind } from '@daqdata/core';
import type { BroadcastImage } from './broadcast-image.js';
import type { Clock } from './clock.js';
import { PacedSlot } from './paced-slot.js';

type Slot = PacedSlot<BroadcastImage>;

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

/** One latest-policy client: a latest-wins slot per module and type, released at the client's interval. */
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
      const created: Slot = new PacedSlot<BroadcastImage>({
        intervalMs: () => this.intervalMs,
        clock: this.clock,
        onDue: () => {
          this.readyQueue.push(created);
          this.wake?.();
        },
      });
      slot = created;
      this.slots.set(key, slot);
    }
    if (slot.offer(image)) this.dropped++;
  }

  /** The next image to send, or the reason the stream is over. Waits without polling. */
  async next(): Promise<SentImage | StreamEnd> {
    for (;;) {
      if (this.end) return this.end;
      const slot = this.readyQueue.shift();
      if (slot) {
        // The hand-off time restarts the slot's interval and is the response's timestamp.
        const sentAt = this.clock();
        const image = slot.take(sentAt);
        if (!image) continue;
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
    // One cancel per slot rather than one AbortSignal listener each: a client of many modules
    // would otherwise pass Node's listener-leak warning threshold.
    for (const slot of this.slots.values()) slot.cancel();
    this.slots.clear();
    this.readyQueue.length = 0;
    this.wake?.();
  }

  /** Images held for this client right now (bounded by the number of slots). */
  get pendingCount(): number {
    let n = 0;
    for (const slot of this.slots.values()) if (slot.hasPending) n++;
    return n;
  }
}
