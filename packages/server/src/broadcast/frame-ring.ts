// The node's ring of recent frames, which every-frame clients read at their own pace. It holds
// a contiguous run of sequences, (evictedThrough, newest]: every frame the node publishes
// while anyone wants every frame, bounded by bytes (the encoded image, the frame pixels it keeps
// for ROI stats, and a fixed estimate of what an entry costs beyond them) and by age. Memory
// never exceeds maxBytes: the oldest frames go first, and a frame is held only after the frames
// before it made room for it. When nobody wants every frame, nothing is held (preview-only nodes
// pay nothing) and the run restarts.
// A reader behind the ring gets a gap record with the exact count of sequences it cannot have
// and continues with the oldest frame held.
import type { BroadcastImage } from './broadcast-image.js';
import type { Clock } from './clock.js';

/** What an entry costs besides its encoded bytes and pixels: the image object, its closures, the array headers. */
export const RING_ENTRY_OVERHEAD_BYTES = 320;

/** What holding an image costs: its encoding, the frame pixels it keeps for ROI stats, and the overhead. */
export function ringEntryBytes(image: BroadcastImage): number {
  return image.encoded().length + (image.framePixels()?.pixels.byteLength ?? 0) + RING_ENTRY_OVERHEAD_BYTES;
}

export type GapReason = 'ring-overrun' | 're-init' | 'node-restart';

export interface FrameGap {
  firstMissing: number;
  count: number;
  reason: GapReason;
}

export interface RingRead {
  gap: FrameGap | null;
  images: BroadcastImage[];
  /** The sequence to read from next time. */
  next: number;
}

export interface FrameRingOptions {
  maxBytes: number;
  maxAgeMs: number;
  clock: Clock;
}

export class FrameRing {
  private entries: BroadcastImage[] = [];
  /** Index of the oldest entry held in `entries` (entries before it are dropped lazily). */
  private head = 0;
  private bytes = 0;
  /** Every sequence up to this one is not held (evicted, cleared, or published while nobody wanted every frame). */
  private evictedThrough = 0;
  /** Sequences up to this one were dropped by a re-initialisation. */
  private reinitThrough = 0;
  private newest = 0;
  evicted = 0;

  constructor(private readonly o: FrameRingOptions) {}

  /** Takes the published image (its sequence is the next one) if `hold`; otherwise the ring empties. */
  push(image: BroadcastImage, hold: boolean): void {
    this.newest = image.sequence;
    if (!hold) {
      if (this.held > 0) this.drop(this.held);
      this.evictedThrough = image.sequence;
      return;
    }
    const size = ringEntryBytes(image);
    this.expire();
    while (this.held > 0 && this.bytes + size > this.o.maxBytes) this.drop(1);
    if (size > this.o.maxBytes) {
      // Larger than the whole ring: never held, counted as evicted.
      this.evictedThrough = image.sequence;
      this.evicted++;
      return;
    }
    this.entries.push(image);
    this.bytes += size;
  }

  /** The node follows other data now: every frame held is dropped, and reported as re-init to readers behind. */
  clearForReinit(): void {
    this.drop(this.held);
    this.evictedThrough = this.newest;
    this.reinitThrough = this.newest;
  }

  /** The oldest sequence a new reader starts with (the next one to be published when nothing is held). */
  get oldestHeld(): number {
    return this.evictedThrough + 1;
  }

  get newestSequence(): number {
    return this.newest;
  }

  get held(): number {
    return this.entries.length - this.head;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * From sequence `from` on: a gap record if `from` is no longer held, then up to `limit`
   * images that `wanted` accepts, within `maxBytes` of encoded images (at least one image).
   */
  read(from: number, wanted: (image: BroadcastImage) => boolean, limit: number, maxBytes: number): RingRead {
    this.expire();
    let gap: FrameGap | null = null;
    if (from <= this.evictedThrough) {
      gap = { firstMissing: from, count: this.evictedThrough - from + 1, reason: from <= this.reinitThrough ? 're-init' : 'ring-overrun' };
      from = this.evictedThrough + 1;
    }
    const images: BroadcastImage[] = [];
    let bytes = 0;
    let i = this.head + (from - this.evictedThrough - 1);
    for (; i < this.entries.length && images.length < limit; i++) {
      const image = this.entries[i]!;
      if (!wanted(image)) continue;
      const size = image.encoded().length;
      if (images.length > 0 && bytes + size > maxBytes) break;
      bytes += size;
      images.push(image);
    }
    const next = i < this.entries.length ? this.entries[i]!.sequence : this.newest + 1;
    return { gap, images, next: Math.max(next, from) };
  }

  /** Drops frames older than maxAgeMs. */
  private expire(): void {
    const oldest = this.o.clock() - this.o.maxAgeMs;
    let n = 0;
    while (n < this.held && this.entries[this.head + n]!.seenAt < oldest) n++;
    if (n > 0) this.drop(n);
  }

  private drop(n: number): void {
    for (let k = 0; k < n; k++) {
      const image = this.entries[this.head]!;
      this.bytes -= ringEntryBytes(image);
      this.evictedThrough = image.sequence;
      this.evicted++;
      this.head++;
    }
    // Compact once the dropped prefix dominates, so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
