// What one EVERY_FRAME client receives: every frame of its selection, in sequence order, read
// from the node's ring at the client's own pace, in batches; frames it fell behind on are
// reported as one gap record, never skipped silently. The other delivery policy over the same
// mechanism as ClientImageStream (latest): a PacedSlot, here holding "the ring has news",
// wakes a waiting consumer at most once per interval, so a trickle of frames is batched; a
// backlog goes out as fast as the transport takes it (nice-grpc pulls `next()` only once the
// previous message was accepted: the backpressure that keeps this reader behind, never the
// node's memory above the ring's bound).
import type { ImageKind } from '@daqdata/core';
import type { BroadcastImage } from './broadcast-image.js';
import type { Clock } from './clock.js';
import { selects, type ImageSelection, type StreamEnd } from './client-image-stream.js';
import type { FrameGap, FrameRing, RingImage } from './frame-ring.js';
import { PacedSlot } from './paced-slot.js';

export interface EveryFrameBatch {
  gap: FrameGap | null;
  images: RingImage[];
  sentAt: number;
}

export interface EveryFrameStreamOptions {
  selection: ImageSelection;
  ring: FrameRing;
  /** The first sequence to send (a resume point's successor, or the ring's oldest). */
  from: number;
  /** A gap to report first (a resume point from another incarnation). */
  initialGap: FrameGap | null;
  batchLimit: number;
  /** Encoded image bytes per message (the first image of a batch always goes). */
  maxBatchBytes: number;
  intervalMs: number;
  clock: Clock;
  /** The client takes frames read from files as the files hold them (DeliveryOptions.pff_frames). */
  pffFrames: boolean;
}

export class EveryFrameStream {
  private cursor: number;
  private pendingGap: FrameGap | null;
  private wake: (() => void) | null = null;
  private end: StreamEnd | null = null;
  private readonly closed = new AbortController();
  /** "Frames for this client arrived"; due at most once per interval while the client waits. */
  private readonly news: PacedSlot<true>;
  private readonly wanted: (moduleId: number, kind: ImageKind) => boolean;
  sent = 0;
  gaps = 0;
  skipped = 0;

  constructor(private readonly o: EveryFrameStreamOptions) {
    this.cursor = o.from;
    this.pendingGap = o.initialGap;
    this.wanted = (moduleId, kind) => selects(o.selection, moduleId, kind);
    this.news = new PacedSlot({ intervalMs: () => o.intervalMs, clock: o.clock, signal: this.closed.signal, onDue: () => this.wake?.() });
  }

  /** Whether the client takes frames read from files as the files hold them. */
  get pffFrames(): boolean {
    return this.o.pffFrames;
  }

  /** Called by the hub for every published image (after the ring took it). */
  offer(image: BroadcastImage): void {
    if (!this.end && this.wanted(image.moduleId, image.kind)) this.news.offer(true);
  }

  /** The next batch (possibly only a gap), or the reason the stream is over. Waits without polling. */
  async next(): Promise<EveryFrameBatch | StreamEnd> {
    for (;;) {
      if (this.end) return this.end;
      if (this.pendingGap) {
        // Said on its own, before anything the ring may report from the new numbering.
        const gap = this.pendingGap;
        this.pendingGap = null;
        this.gaps++;
        return { gap, images: [], sentAt: this.o.clock() };
      }
      const read = this.o.ring.read(this.cursor, this.wanted, this.o.batchLimit, this.o.maxBatchBytes);
      this.cursor = read.next;
      const gap = read.gap;
      if (gap || read.images.length > 0) {
        const sentAt = this.o.clock();
        this.news.take(sentAt);
        this.sent += read.images.length;
        if (gap) {
          this.gaps++;
          this.skipped += gap.count;
        }
        return { gap, images: read.images, sentAt };
      }
      this.news.take();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  close(end: StreamEnd): void {
    if (this.end) return;
    this.end = end;
    this.closed.abort();
    this.wake?.();
  }
}
