// The node's single fan-out point: the watcher and uploaders publish, every client stream
// subscribes. Delivery is a synchronous call into each subscriber's latest-wins slots, so
// publishing never waits for a client and never queues. The newest image per module and type
// is kept, so a client that connects gets it at once (it has not seen it yet): a rare
// pulse-height event is not missed just because the client connected after it.
// Every published image gets the node's next sequence number (from 1) and is offered to the
// every-frame ring before any subscriber sees it, held only while `holdEveryFrame()` says an
// every-frame client wants frames (see frame-ring.ts).
import type { ImageKind } from '@daqdata/core';
import type { BroadcastImage } from './broadcast-image.js';

/** Where published images go before subscribers: the every-frame ring. */
export interface PublishedImageSink {
  push(image: BroadcastImage, hold: boolean): void;
}

/** A number per module and type: a string key would be built and hashed for every published frame. */
function latestKey(moduleId: number, kind: ImageKind): number {
  return moduleId * 2 + (kind === 'movie' ? 0 : 1);
}

export type ImageSubscriber = (image: BroadcastImage) => void;

/** Where a node's images meet its clients: numbers each published image, keeps the newest per module and type, and hands images to the ring and the subscribers. */
export class ImageHub {
  private readonly subscribers = new Set<ImageSubscriber>();
  private readonly latest = new Map<number, BroadcastImage>();
  private published = 0;

  constructor(
    private readonly ring: PublishedImageSink | null = null,
    private readonly holdEveryFrame: () => boolean = () => false,
    /** Whether an ROI reader wants the pixels of this module and type's frames (kept beside the encoding). */
    private readonly keepPixels: (moduleId: number, kind: ImageKind) => boolean = () => true,
  ) {}

  /** Registers `subscriber` and hands it the newest image of every module and type. */
  subscribe(subscriber: ImageSubscriber): () => void {
    this.subscribers.add(subscriber);
    for (const image of this.latest.values()) subscriber(image);
    return () => this.subscribers.delete(subscriber);
  }

  /** Gives `image` the node's next sequence number and passes it on (ring first, then subscribers). */
  publish(image: BroadcastImage): void {
    image.sequence = ++this.published;
    image.keepPixels = this.keepPixels(image.moduleId, image.kind);
    this.ring?.push(image, this.holdEveryFrame());
    this.latest.set(latestKey(image.moduleId, image.kind), image);
    for (const s of this.subscribers) s(image);
  }

  /** The image published as `sequence` if it is still the newest of its module and type (kept for subscribers to come). */
  latestWithSequence(moduleId: number, kind: ImageKind, sequence: number): BroadcastImage | undefined {
    const image = this.latest.get(latestKey(moduleId, kind));
    return image?.sequence === sequence ? image : undefined;
  }

  /** Forgets the newest images (the node now follows other data). */
  clearLatest(): void {
    this.latest.clear();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Also the newest sequence number. */
  get publishedCount(): number {
    return this.published;
  }
}
