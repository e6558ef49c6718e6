// One image on its way to clients. The PanoImage is built and encoded to protobuf bytes at
// most once, on first demand, however many clients receive it; an image that every client's
// latest-wins slot replaces before it is sent is never encoded at all. Once encoded, the frame
// it came from is let go (the encoder closure is dropped), so an image held in the node's ring
// costs its bytes, not its frame as well. What the node computes from a frame (ROI stats) reads
// its typed pixels and time: while an ROI client wants its module and type (`keepPixels`, set
// by the hub), they are taken from the frame once, before the frame is let go, and kept beside
// the bytes (a copy of the frame's pixels, ~2 KiB for img16, counted in the ring's size);
// otherwise none are kept (a copy per frame cost every-frame readers ring capacity and CPU),
// and framePixels() decodes them from the bytes for an ROI client that came later.
// An image read from a PFF file also has the frame as the file holds it (`pffFrame`): the ring
// keeps that rather than the encoding (pff-frame-bytes.ts), and the image's encoder and pixels
// then read the ring's copy (`keepPffAt`) instead of a copy of their own.
import type { ImageKind, Pixels } from '@daqdata/core';
import { framePixelsFromEncoding } from './frame-pixels.js';
import type { PffFrameBytes, PffFrameSource } from './pff-frame-bytes.js';

/** A frame's typed pixels, shape and time, for what the node computes from it. */
export interface FramePixels {
  /** Row-major: Uint8Array (img8), Uint16Array (img16), Int16Array (pulse-height); owns its buffer. */
  readonly pixels: Pixels;
  readonly rows: number;
  readonly cols: number;
  /** The frame's time in Unix nanoseconds (WR when synchronised, else the arrival clock); null without timing fields. */
  readonly time: { readonly unixNs: bigint; readonly wrSynchronised: boolean } | null;
}

export interface BroadcastImage {
  readonly moduleId: number;
  readonly kind: ImageKind;
  /** Where it came from, for logs: file name (or uploader) and frame number. */
  readonly file: string;
  readonly frameNumber: number;
  /** Clock reading (ms) when the node learnt of the image: for latency measurements. */
  readonly seenAt: number;
  /** The node's sequence number, set by the hub when it publishes the image (0 before). */
  sequence: number;
  /** Whether the frame's pixels are kept when it is encoded (set by the hub: an ROI reader wants them); true before. */
  keepPixels: boolean;
  /** The PanoImage's protobuf encoding (memoised). */
  encoded(): Uint8Array;
  /** The frame's pixels and time: kept ones, or else decoded from the encoding (not kept); null without either. */
  framePixels(): FramePixels | null;
  /** Takes the frame's pixels now if they are wanted (`keepPixels`): the ring holds the frame, and the reader's buffer is reused after this turn. */
  takePixels(): void;
  /** Bytes of the frame pixels this image keeps (what the ring counts): 0 when none are kept. */
  readonly keptPixelBytes: number;
  /** The encoded bytes for a keeper to copy (possibly the encoder's scratch buffer, valid until the next encoding); then keepAt(copy). */
  bytesToCopy(): Uint8Array;
  /** The image's bytes are `copy` from now on (the ring's slab). */
  keepAt(copy: Uint8Array): void;
  /** The frame as its PFF file holds it (a view: of the reader's buffer while the image is published, then of the ring's slab or a copy); null for an image not read from a file. */
  pffFrame(): PffFrameBytes | null;
  /** The frame's PFF bytes are at `offset` of `buffer` from now on (a copy in the ring's slab). */
  keepPffAt(buffer: ArrayBufferLike, offset: number): void;
  /** Whether keepPffAt() gave the frame's bytes a place (else whoever read them must copy them before reusing the buffer). */
  readonly pffKept: boolean;
  /** Copies the bytes out of where keepAt() or keepPffAt() put them: the image outlives that place (the ring reuses a slab once it evicted every image in it). */
  ownBytes(): void;
}

/** An image on its way to clients, encoded at most once and only on demand. */
export function broadcastImage(
  meta: { moduleId: number; kind: ImageKind; file: string; frameNumber: number; seenAt: number },
  /** The PanoImage's protobuf bytes; called at most once; may be a scratch buffer that a later call overwrites (the image copies it). */
  encode: () => Uint8Array,
  /** The frame's pixels and time; called at most once, before `encode` is let go. Omitted: framePixels() decodes the encoding. */
  frame?: () => FramePixels,
  /** The frame as its PFF file holds it, which `encode` and `frame` read (see keepPffAt). */
  pff?: PffFrameSource,
): BroadcastImage {
  return new LazyImage(meta.moduleId, meta.kind, meta.file, meta.frameNumber, meta.seenAt, encode, frame ?? null, pff ?? null);
}

// A class, not an object literal with closures: every image shares one hidden class and its
// methods (a literal spread from `meta` with two closures cost each image its own V8 map,
// descriptor array, property array, context and two functions, ~700 heap bytes; the ring holds
// tens of thousands of them).
class LazyImage implements BroadcastImage {
  sequence = 0;
  keepPixels = true;
  private bytes: Uint8Array | undefined = undefined;

  constructor(
    readonly moduleId: number,
    readonly kind: ImageKind,
    readonly file: string,
    readonly frameNumber: number,
    readonly seenAt: number,
    private encoder: (() => Uint8Array) | undefined,
    /** Where the frame's pixels come from until taken; null once taken or when there is no frame. */
    private pixelSource: (() => FramePixels) | null,
    private readonly pff: PffFrameSource | null,
  ) {}

  pffKept = false;

  pffFrame(): PffFrameBytes | null {
    return this.pff;
  }

  keepPffAt(buffer: ArrayBufferLike, offset: number): void {
    this.pff!.moveTo(buffer, offset);
    this.pffKept = true;
  }

  private pixels: FramePixels | null = null;

  framePixels(): FramePixels | null {
    if (this.pixelSource) {
      this.pixels = this.pixelSource();
      this.pixelSource = null;
    }
    if (this.pixels) return this.pixels;
    const bytes = this.bytes ?? (this.encoder ? this.encoded() : undefined);
    if (!bytes) return null;
    try {
      return framePixelsFromEncoding(bytes);
    } catch {
      // Bytes that are not a readable PanoImage (only ever a relay's): no pixels to compute from.
      return null;
    }
  }

  get keptPixelBytes(): number {
    return this.pixels?.pixels.byteLength ?? 0;
  }

  encoded(): Uint8Array {
    return (this.bytes ??= this.encode().slice());
  }

  bytesToCopy(): Uint8Array {
    return this.bytes ?? this.encode();
  }

  keepAt(copy: Uint8Array): void {
    this.bytes = copy;
  }

  ownBytes(): void {
    if (this.bytes) this.bytes = this.bytes.slice();
    if (this.pffKept) this.pff!.copy();
  }

  takePixels(): void {
    if (this.keepPixels && this.pixelSource) {
      this.pixels = this.pixelSource();
      this.pixelSource = null;
    }
  }

  /** The encoder's bytes (possibly scratch), once: the frame it held is let go. */
  private encode(): Uint8Array {
    // The pixels are taken (if wanted) before the frame is let go: both closures hold it.
    this.takePixels();
    this.pixelSource = null;
    const bytes = this.encoder!();
    this.encoder = undefined;
    return bytes;
  }
}
