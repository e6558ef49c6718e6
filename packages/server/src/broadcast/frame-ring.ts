// The node's ring of recent frames, which every-frame clients read at their own pace. It holds
// a contiguous run of sequences, (evictedThrough, newest]: every frame the node publishes
// while anyone wants every frame, bounded by bytes (the encoded image, the frame pixels it keeps
// for ROI stats, and a fixed estimate of what an entry costs beyond them) and by age. The encoded
// bytes live in slabs (frame-slabs.ts), counted whole: the bound covers what the node really
// keeps, not just the images' lengths. Memory never exceeds maxBytes: the oldest frames go first,
// and a frame is held only after the frames before it made room for it. When nobody wants every
// frame, nothing is held (preview-only nodes pay nothing) and the run restarts.
// A reader behind the ring gets a gap record with the exact count of sequences it cannot have
// and continues with the oldest frame held.
import type { BroadcastImage } from './broadcast-image.js';
import type { Clock } from './clock.js';
import { MAX_SLAB_BYTES, SlabQueue } from './frame-slabs.js';

/** What an entry costs besides its encoded bytes and pixels: the image object, its view into a slab, its array slot (measured ~250 with a heap snapshot, ph256). */
export const RING_ENTRY_OVERHEAD_BYTES = 320;

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
  /**
   * Whether an image may still be sent after it leaves the ring, in a later event-loop turn
   * (the hub's newest per module and type, which latest clients' slots and new subscribers
   * get): such an image takes its bytes out of the slab, which is reused once emptied.
   */
  retainedElsewhere?: (image: BroadcastImage) => boolean;
}

export class FrameRing {
  private entries: BroadcastImage[] = [];
  /** Index of the oldest entry held in `entries` (entries before it are dropped lazily). */
  private head = 0;
  /** The slabs holding the held images' bytes. */
  private readonly slabs: SlabQueue;
  /** Frame pixels kept by the held images (for ROI stats). */
  private pixelBytes = 0;
  /** Every sequence up to this one is not held (evicted, cleared, or published while nobody wanted every frame). */
  private evictedThrough = 0;
  /** Sequences up to this one were dropped by a re-initialisation. */
  private reinitThrough = 0;
  private newest = 0;
  evicted = 0;

  constructor(private readonly o: FrameRingOptions) {
    // At most 1/64 of the ring per slab: a small ring is not one slab.
    this.slabs = new SlabQueue(Math.max(1, Math.min(MAX_SLAB_BYTES, Math.floor(o.maxBytes / 64))));
  }

  /** Takes the published image (its sequence is the next one) if `hold`; otherwise the ring empties. */
  push(image: BroadcastImage, hold: boolean): void {
    this.newest = image.sequence;
    if (!hold) {
      if (this.held > 0) {
        this.drop(this.held);
        // Nobody wants every frame: the spare slabs go too (a preview-only node holds nothing).
        this.slabs.dropSpares();
      }
      this.evictedThrough = image.sequence;
      return;
    }
    let held = true;
    // The bytes come from the encoder's scratch buffer and are copied once, into a slab; the
    // frame's pixels (taken before the encoding) are counted beside them.
    image.relocate((bytes) => {
      const pixelBytes = image.keptPixelBytes;
      const cost = () => this.slabs.costOf(bytes.length) + pixelBytes + RING_ENTRY_OVERHEAD_BYTES;
      this.expire();
      while (this.held > 0 && this.heldBytes + cost() > this.o.maxBytes) this.drop(1);
      held = this.heldBytes + cost() <= this.o.maxBytes;
      if (held) this.pixelBytes += pixelBytes;
      return held ? this.slabs.hold(bytes) : bytes.slice();
    });
    if (!held) {
      // Larger than the whole ring: never held, counted as evicted.
      this.evictedThrough = image.sequence;
      this.evicted++;
      return;
    }
    this.entries.push(image);
  }

  /** The node follows other data now: every frame held is dropped, and reported as re-init to readers behind. */
  clearForReinit(): void {
    // Not reused: clients' latest slots may still hold these images (the hub forgot them).
    this.drop(this.held, false);
    this.slabs.dropSpares();
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

  /** What the ring holds: its slabs, the held images' frame pixels, and the fixed estimate per image held. */
  get heldBytes(): number {
    return this.slabs.bytes + this.pixelBytes + this.held * RING_ENTRY_OVERHEAD_BYTES;
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

  /** Slabs reused rather than allocated (see frame-slabs.ts). */
  get slabsReused(): number {
    return this.slabs.reused;
  }

  /** Drops the `n` oldest images; their slabs are reused once emptied if `recycle`. */
  private drop(n: number, recycle = true): void {
    for (let k = 0; k < n; k++) {
      const image = this.entries[this.head]!;
      // Let go of the image now, not at the next compaction (up to half the array otherwise).
      this.entries[this.head] = undefined as unknown as BroadcastImage;
      if (recycle && this.o.retainedElsewhere?.(image)) image.ownBytes();
      this.slabs.releaseOldest(recycle);
      this.pixelBytes -= image.keptPixelBytes;
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
