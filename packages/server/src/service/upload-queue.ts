// Between uploaders and the broadcast. Uploaded images are published at the node's update
// interval, paced by the same throttle rule as client slots: after a quiet interval an image
// goes out at once; sooner ones wait in a bounded queue and go out together when the interval
// ends. When the queue is full the uploader is told (RESOURCE_EXHAUSTED) instead of the node
// buffering without bound.
import type { BroadcastImage } from '../broadcast/broadcast-image.js';
import type { Clock } from '../broadcast/clock.js';
import { PacedSlot } from '../broadcast/paced-slot.js';

export class UploadQueue {
  private readonly queue: BroadcastImage[] = [];
  private readonly closed = new AbortController();
  /** Holds "the queue has images"; due once per interval, when the queue drains. */
  private readonly drains: PacedSlot<true>;
  /** Some image has been taken: the node relays uploads, so it has a source of images. */
  acceptedAny = false;

  constructor(
    readonly capacity: number,
    intervalMs: () => number,
    clock: Clock,
    private readonly publish: (image: BroadcastImage) => void,
  ) {
    this.drains = new PacedSlot({ intervalMs, clock, signal: this.closed.signal, onDue: () => this.drain() });
  }

  /** false when the queue is full (the image is not taken). */
  offer(image: BroadcastImage): boolean {
    if (this.queue.length >= this.capacity) return false;
    this.queue.push(image);
    this.acceptedAny = true;
    this.drains.offer(true);
    return true;
  }

  private drain(): void {
    this.drains.take();
    for (let image = this.queue.shift(); image; image = this.queue.shift()) this.publish(image);
  }

  get length(): number {
    return this.queue.length;
  }

  close(): void {
    this.closed.abort();
    this.queue.length = 0;
  }
}
