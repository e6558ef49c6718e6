// Between uploaders and the broadcast: a bounded queue drained on the next turn of the event
// loop, so a burst from many uploaders is spread out instead of monopolising the loop. When it
// is full the uploader is told (RESOURCE_EXHAUSTED) rather than the node buffering without end.
import type { BroadcastImage } from '../broadcast/broadcast-image.js';

export class UploadQueue {
  private readonly queue: BroadcastImage[] = [];
  private draining = false;

  constructor(
    readonly capacity: number,
    private readonly publish: (image: BroadcastImage) => void,
  ) {}

  /** false when the queue is full (the image is not taken). */
  offer(image: BroadcastImage): boolean {
    if (this.queue.length >= this.capacity) return false;
    this.queue.push(image);
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => this.drain());
    }
    return true;
  }

  private drain(): void {
    this.draining = false;
    for (let image = this.queue.shift(); image; image = this.queue.shift()) this.publish(image);
  }

  get length(): number {
    return this.queue.length;
  }
}
