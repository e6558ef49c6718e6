// The node's single fan-out point: the watcher and uploaders publish, every client stream
// subscribes. Delivery is a synchronous call into each subscriber's latest-wins slots, so
// publishing never waits for a client and never queues. The newest image per module and type
// is kept, so a client that connects gets it at once (it has not seen it yet): a rare
// pulse-height event is not missed just because the client connected after it.
// Every published image gets the node's next sequence number (from 1) and is offered to the
// every-frame ring before any subscriber sees it, held only while `holdEveryFrame()` says an
// every-frame client wants frames (see frame-ring.ts).
// The frames of one file read together can be published as one (publishFileFrames) while the
// ring holds every frame and no ROI reader wants their pixels: the ring takes them as the file
// holds them, and only the newest becomes an image for the subscribers (a latest client gets
// the newest anyway, an every-frame client reads the ring), with the count it stands for. An
// image object, two closures, a push and a call per subscriber for every frame were most of
// what publishing cost a node reading every frame.
import type { ImageKind } from '@daqdata/core';
import type { BroadcastImage } from './broadcast-image.js';
import type { FileFrameRun } from './pff-frame-bytes.js';

/** Where published images go before subscribers: the every-frame ring. */
export interface PublishedImageSink {
  push(image: BroadcastImage, hold: boolean): void;
  /** Holds a run's frames as sequences first, first + 1, ...; `newest` (its last frame's image) views the ring's copy of its bytes. */
  pushFileFrames(run: FileFrameRun, first: number, newest: BroadcastImage): void;
}

/** A number per module and type: a string key would be built and hashed for every published frame. */
function latestKey(moduleId: number, kind: ImageKind): number {
  return moduleId * 2 + (kind === 'movie' ? 0 : 1);
}

/** Called with each published image; `count` > 1 when it is the newest of a run published together (the frames it stands for: metrics count them). */
export type ImageSubscriber = (image: BroadcastImage, count: number) => void;

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
    for (const image of this.latest.values()) subscriber(image, 1);
    return () => this.subscribers.delete(subscriber);
  }

  /** Gives `image` the node's next sequence number and passes it on (ring first, then subscribers). */
  publish(image: BroadcastImage): void {
    image.sequence = ++this.published;
    image.keepPixels = this.keepPixels(image.moduleId, image.kind);
    this.ring?.push(image, this.holdEveryFrame());
    this.latest.set(latestKey(image.moduleId, image.kind), image);
    for (const s of this.subscribers) s(image, 1);
  }

  /**
   * Publishes a run's frames together, numbered in file order, if the ring holds every frame now
   * and no ROI reader wants their pixels (each frame would need its image for that); else
   * publishes nothing and returns false (publish each frame's image instead).
   */
  publishFileFrames(run: FileFrameRun): boolean {
    const count = run.starts.length;
    if (!this.ring || count === 0 || !this.holdEveryFrame() || this.keepPixels(run.moduleId, run.kind)) return false;
    const first = this.published + 1;
    this.published += count;
    const newest = run.image(count - 1);
    newest.sequence = this.published;
    newest.keepPixels = false;
    this.ring.pushFileFrames(run, first, newest);
    this.latest.set(latestKey(run.moduleId, run.kind), newest);
    for (const s of this.subscribers) s(newest, count);
    return true;
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
