// Between uploaders and the broadcast. Uploaded images are published at the node's update
// interval, paced by the same throttle rule as client slots: after a quiet interval an image
// goes out at once; sooner ones wait in a bounded queue and go out together when the interval
// ends. When the queue is full the uploader is told (RESOURCE_EXHAUSTED) instead of the node
// buffering without bound.
import type { BroadcastImage } from '../broadcast/broadcast-image.js';
import type { Clock } from '../broadcast/clock.js';
import { runAt, type Cancel } from '../broadcast/run-at.js';
import { decideThrottle } from '../broadcast/throttle.js';

export class UploadQueue {
  private readonly queue: BroadcastImage[] = [];
  private lastDrainAt: number | null = null;
  private timer: Cancel | null = null;
  /** Some image has been taken: the node relays uploads, so it has a source of images. */
  acceptedAny = false;

  constructor(
    readonly capacity: number,
    private readonly intervalMs: () => number,
    private readonly clock: Clock,
    private readonly publish: (image: BroadcastImage) => void,
  ) {}

  /** false when the queue is full (the image is not taken). */
  offer(image: BroadcastImage): boolean {
    if (this.queue.length >= this.capacity) return false;
    this.queue.push(image);
    this.acceptedAny = true;
    this.pace();
    return true;
  }

  private pace(): void {
    const decision = decideThrottle(this.clock(), this.lastDrainAt, this.intervalMs(), this.timer !== null);
    if (decision.action === 'send-now') this.drain();
    else if (decision.action === 'schedule') {
      this.timer = runAt(decision.at, this.clock, () => {
        this.timer = null;
        if (this.queue.length) this.pace();
      });
    }
  }

  private drain(): void {
    this.lastDrainAt = this.clock();
    for (let image = this.queue.shift(); image; image = this.queue.shift()) this.publish(image);
  }

  get length(): number {
    return this.queue.length;
  }

  close(): void {
    this.timer?.();
    this.timer = null;
    this.queue.length = 0;
  }
}
