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
//
// What the ring knows of a frame is kept in columns (typed arrays, one slot per held sequence),
// not as an object per frame: tens of thousands of held image objects, each with its view into
// a slab, outlived every young-generation collection and were copied twice by each (~250 bytes
// per frame promoted: the largest part of the node's garbage-collection time reading every
// ph256 frame). A reader gets a small object per frame it reads, which dies young. Only a frame
// that keeps its pixels for ROI readers is held as its image object (the ROI cache hangs its
// results off it).
// A frame read from a PFF file is held as the file holds it (pff-frame-bytes.ts): what a client
// taking PFF frames gets, copied as it is; its PanoImage encoding is made per read for a client
// that takes PanoImages. Other images (uploads, recorder sockets) are held as their encoding.
import { DATA_PRODUCTS, pixelByteLength, type DataProductInfo, type ImageKind } from '@daqdata/core';
import type { BroadcastImage, FramePixels } from './broadcast-image.js';
import type { Clock } from './clock.js';
import { framePixelsFromEncoding } from './frame-pixels.js';
import { MAX_SLAB_BYTES, SlabQueue } from './frame-slabs.js';
import { encodePffPanoImage, framePixelsOfPff, type FileFrameRun, type PffFrameBytes } from './pff-frame-bytes.js';

/**
 * What an entry costs besides its encoded bytes and pixels: its column slots (46 bytes), with
 * room for the columns to double, rounded up. (The image object and its view that a held frame
 * cost before the columns, ~250 bytes, are gone.)
 */
export const RING_ENTRY_OVERHEAD_BYTES = 96;

/** What a frame that keeps its pixels costs besides them: its image object and its map entry (the image object alone measured ~250 bytes with a heap snapshot). */
export const KEPT_IMAGE_OVERHEAD_BYTES = 320;

export type GapReason = 'ring-overrun' | 're-init' | 'node-restart';

export interface FrameGap {
  firstMissing: number;
  count: number;
  reason: GapReason;
}

/** A held frame as a reader gets it: what the every-frame and ROI streams need of an image. */
export interface RingImage {
  readonly sequence: number;
  readonly moduleId: number;
  readonly kind: ImageKind;
  readonly file: string;
  readonly frameNumber: number;
  readonly seenAt: number;
  /** The PanoImage encoding: a view into the ring's slab, valid in the turn it was read in (frame-slabs.ts), or made now from the PFF frame. */
  encoded(): Uint8Array;
  /** The frame as its PFF file holds it (a view into the ring's slab, valid in the turn it was read in); null for an image not read from a file. */
  pffFrame(): PffFrameBytes | null;
  framePixels(): FramePixels | null;
  /** Bytes of frame pixels kept beside the encoding (0: framePixels() decodes the encoding). */
  readonly keptPixelBytes: number;
}

export interface RingRead {
  gap: FrameGap | null;
  images: RingImage[];
  /** The sequence to read from next time. */
  next: number;
}

export interface FrameRingOptions {
  maxBytes: number;
  maxAgeMs: number;
  clock: Clock;
  /**
   * The image published as this sequence if it may still be sent after it leaves the ring, in a
   * later event-loop turn (the hub's newest per module and type, which latest clients' slots and
   * new subscribers get): it takes its bytes out of the slab, which is reused once emptied.
   */
  retainedElsewhere?: (moduleId: number, kind: ImageKind, sequence: number) => BroadcastImage | undefined;
}

const KINDS: readonly ImageKind[] = ['movie', 'pulse-height'];
/** A held entry's form: 0 for a PanoImage encoding, 1 + the index here for a PFF frame of that data product. */
const PFF_FORMS: readonly DataProductInfo[] = Object.values(DATA_PRODUCTS);
const INITIAL_CAPACITY = 1024;

/** A held frame read from the columns: made per read, so it lives only as long as its batch. A PFF frame is its own PffFrameBytes (no object more per frame read). */
class HeldFrame implements RingImage, PffFrameBytes {
  readonly keptPixelBytes = 0;
  /** The PanoImage encoding made from the PFF frame, once. */
  private pano: Uint8Array | undefined;

  constructor(
    readonly sequence: number,
    readonly moduleId: number,
    readonly kind: ImageKind,
    readonly file: string,
    readonly frameNumber: number,
    readonly seenAt: number,
    readonly bytes: Uint8Array,
    /** The PFF frame's data product; null: `bytes` is a PanoImage encoding. */
    private readonly pffProduct: DataProductInfo | null,
  ) {}

  get dataProduct(): DataProductInfo {
    return this.pffProduct!;
  }

  get headerLength(): number {
    return this.bytes.length - 1 - pixelByteLength(this.pffProduct!);
  }

  encoded(): Uint8Array {
    return this.pffProduct ? (this.pano ??= encodePffPanoImage(this, this).slice()) : this.bytes;
  }

  pffFrame(): PffFrameBytes | null {
    return this.pffProduct ? this : null;
  }

  framePixels(): FramePixels | null {
    const pff = this.pffFrame();
    try {
      return pff ? framePixelsOfPff(pff, this.file) : framePixelsFromEncoding(this.bytes);
    } catch {
      // Bytes that are not a readable PanoImage (only ever a relay's): no pixels to compute from.
      return null;
    }
  }
}

export class FrameRing {
  // Columns: slot i holds sequence evictedThrough + 1 + (i - head), for head <= i < tail.
  private capacity = INITIAL_CAPACITY;
  private moduleIds = new Float64Array(INITIAL_CAPACITY);
  private kinds = new Uint8Array(INITIAL_CAPACITY);
  private forms = new Uint8Array(INITIAL_CAPACITY);
  private seenAts = new Float64Array(INITIAL_CAPACITY);
  private frameNumbers = new Float64Array(INITIAL_CAPACITY);
  private slabSerials = new Float64Array(INITIAL_CAPACITY);
  private offsets = new Uint32Array(INITIAL_CAPACITY);
  private lengths = new Uint32Array(INITIAL_CAPACITY);
  /** File names: one string per file, shared by its frames (a slot is a reference). */
  private files: string[] = new Array<string>(INITIAL_CAPACITY);
  private head = 0;
  private tail = 0;
  /** Held frames that keep their pixels (for ROI readers), by sequence: their image objects. */
  private readonly withPixels = new Map<number, BroadcastImage>();
  /** The slabs holding the held images' bytes. */
  private readonly slabs: SlabQueue;
  /** Frame pixels kept by the held images (for ROI stats), with their image objects' overhead. */
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
        // Nobody wants every frame: the spare slabs and grown columns go too (a preview-only node holds nothing).
        this.slabs.dropSpares();
        this.resetColumns();
      }
      this.evictedThrough = image.sequence;
      return;
    }
    // A file's frame as the file holds it, any other image as its encoding (from the encoder's
    // scratch buffer), copied once, into a slab; the frame's pixels (taken before the
    // encoding) are counted beside them.
    const pff = image.pffFrame();
    if (pff) image.takePixels();
    const bytes = pff ? pff.bytes : image.bytesToCopy();
    const pixelBytes = image.keptPixelBytes > 0 ? image.keptPixelBytes + KEPT_IMAGE_OVERHEAD_BYTES : 0;
    // The image was just seen: its time is now, without a clock reading per frame.
    this.expire(image.seenAt);
    while (this.held > 0 && this.heldBytes + this.costOf(bytes.length, pixelBytes) > this.o.maxBytes) this.drop(1);
    if (this.heldBytes + this.costOf(bytes.length, pixelBytes) > this.o.maxBytes) {
      // Larger than the whole ring: never held, counted as evicted.
      if (!pff) image.keepAt(bytes.slice());
      this.evictedThrough = image.sequence;
      this.evicted++;
      return;
    }
    let offset: number;
    if (pff) {
      offset = this.slabs.copyIn(bytes);
      image.keepPffAt(this.slabs.lastBuffer, offset);
    } else {
      const view = this.slabs.hold(bytes);
      image.keepAt(view);
      offset = view.byteOffset;
    }
    this.append(image.moduleId, image.kind, pff ? 1 + PFF_FORMS.indexOf(pff.dataProduct) : 0, image.seenAt, image.frameNumber, offset, bytes.length, image.file);
    if (pixelBytes > 0) {
      this.pixelBytes += pixelBytes;
      this.withPixels.set(image.sequence, image);
    }
  }

  /**
   * Holds the frames of a run published together (ImageHub.publishFileFrames) as sequences
   * first, first + 1, ...: each as push() holds a file's frame, the frames that land one after
   * another in a slab copied in one piece; `newest` (the run's last frame) views the ring's copy.
   */
  pushFileFrames(run: FileFrameRun, first: number, newest: BroadcastImage): void {
    const { bytes, starts, frameSize: length } = run;
    const count = starts.length;
    this.newest = first + count - 1;
    this.expire(run.seenAt);
    const form = 1 + PFF_FORMS.indexOf(run.dataProduct);
    // The copy not made yet: `n` bytes from `from` in the run's bytes to `to` in slab `into`.
    let into: Uint8Array | null = null;
    let to = 0;
    let from = 0;
    let n = 0;
    for (let k = 0; k < count; k++) {
      while (this.held > 0 && this.heldBytes + this.costOf(length, 0) > this.o.maxBytes) this.drop(1);
      if (this.heldBytes + this.costOf(length, 0) > this.o.maxBytes) {
        // Larger than the whole ring: never held, counted as evicted.
        this.evictedThrough = first + k;
        this.evicted++;
        continue;
      }
      const offset = this.slabs.reserve(length);
      const slab = this.slabs.lastBytes;
      const start = starts[k]!;
      if (slab === into && offset === to + n && start === from + n) n += length;
      else {
        if (into) into.set(new Uint8Array(bytes.buffer, bytes.byteOffset + from, n), to);
        into = slab;
        to = offset;
        from = start;
        n = length;
      }
      if (k === count - 1) newest.keepPffAt(this.slabs.lastBuffer, offset);
      this.append(run.moduleId, run.kind, form, run.seenAt, run.frameNumbers[k]!, offset, length, run.file);
    }
    if (into) into.set(new Uint8Array(bytes.buffer, bytes.byteOffset + from, n), to);
  }

  /** A held frame's columns, in the slot after the newest (its bytes at `offset` of the slab copied into last). */
  private append(moduleId: number, kind: ImageKind, form: number, seenAt: number, frameNumber: number, offset: number, length: number, file: string): void {
    if (this.tail === this.capacity) this.makeRoom();
    const i = this.tail++;
    this.moduleIds[i] = moduleId;
    this.kinds[i] = kind === 'movie' ? 0 : 1;
    this.forms[i] = form;
    this.seenAts[i] = seenAt;
    this.frameNumbers[i] = frameNumber;
    this.slabSerials[i] = this.slabs.lastSerial;
    this.offsets[i] = offset;
    this.lengths[i] = length;
    this.files[i] = file;
  }

  /** What holding one more image of `length` encoded bytes and `pixelBytes` kept pixels adds. */
  private costOf(length: number, pixelBytes: number): number {
    return this.slabs.costOf(length) + pixelBytes + RING_ENTRY_OVERHEAD_BYTES;
  }

  /** The node follows other data now: every frame held is dropped, and reported as re-init to readers behind. */
  clearForReinit(): void {
    // Not reused: clients' latest slots may still hold these images (the hub forgot them).
    this.drop(this.held, false);
    this.slabs.dropSpares();
    this.resetColumns();
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
    return this.tail - this.head;
  }

  /** What the ring holds: its slabs, the kept frame pixels and their image objects, and the fixed estimate per frame held. */
  get heldBytes(): number {
    return this.slabs.bytes + this.pixelBytes + this.held * RING_ENTRY_OVERHEAD_BYTES;
  }

  /**
   * From sequence `from` on: a gap record if `from` is no longer held, then up to `limit`
   * images that `wanted` accepts, within `maxBytes` of encoded images (at least one image).
   */
  read(from: number, wanted: (moduleId: number, kind: ImageKind) => boolean, limit: number, maxBytes: number): RingRead {
    this.expire();
    let gap: FrameGap | null = null;
    if (from <= this.evictedThrough) {
      gap = { firstMissing: from, count: this.evictedThrough - from + 1, reason: from <= this.reinitThrough ? 're-init' : 'ring-overrun' };
      from = this.evictedThrough + 1;
    }
    const images: RingImage[] = [];
    let bytes = 0;
    const first = this.head - this.evictedThrough - 1; // slot of sequence s: first + s
    let i = first + from;
    for (; i < this.tail && images.length < limit; i++) {
      const moduleId = this.moduleIds[i]!;
      const kind = KINDS[this.kinds[i]!]!;
      if (!wanted(moduleId, kind)) continue;
      const size = this.lengths[i]!;
      if (images.length > 0 && bytes + size > maxBytes) break;
      bytes += size;
      const sequence = i - first;
      images.push(
        this.withPixels.get(sequence) ??
          new HeldFrame(sequence, moduleId, kind, this.files[i]!, this.frameNumbers[i]!, this.seenAts[i]!, this.slabs.viewAt(this.slabSerials[i]!, this.offsets[i]!, size), PFF_FORMS[this.forms[i]! - 1] ?? null),
      );
    }
    const next = i < this.tail ? i - first : this.newest + 1;
    return { gap, images, next: Math.max(next, from) };
  }

  /** Drops frames older than maxAgeMs. */
  private expire(now = this.o.clock()): void {
    const oldest = now - this.o.maxAgeMs;
    let n = 0;
    while (n < this.held && this.seenAts[this.head + n]! < oldest) n++;
    if (n > 0) this.drop(n);
  }

  /** Slabs reused rather than allocated (see frame-slabs.ts). */
  get slabsReused(): number {
    return this.slabs.reused;
  }

  /** Drops the `n` oldest images; their slabs are reused once emptied if `recycle`. */
  private drop(n: number, recycle = true): void {
    for (let k = 0; k < n; k++) {
      const i = this.head++;
      const sequence = ++this.evictedThrough;
      const kept = this.withPixels.get(sequence);
      if (kept) {
        this.withPixels.delete(sequence);
        this.pixelBytes -= kept.keptPixelBytes + KEPT_IMAGE_OVERHEAD_BYTES;
      }
      if (recycle) this.o.retainedElsewhere?.(this.moduleIds[i]!, KINDS[this.kinds[i]!]!, sequence)?.ownBytes();
      this.files[i] = undefined as unknown as string;
      this.slabs.releaseOldest(recycle);
      this.evicted++;
    }
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  /** The columns are full: move the held slots to the front if that frees half, else double them. */
  private makeRoom(): void {
    const held = this.held;
    const capacity = held * 2 <= this.capacity ? this.capacity : this.capacity * 2;
    const move = <T extends Float64Array | Uint32Array | Uint8Array>(column: T, make: (n: number) => T): T => {
      const to = capacity === this.capacity ? column : make(capacity);
      to.set(column.subarray(this.head, this.tail), 0);
      return to;
    };
    this.moduleIds = move(this.moduleIds, (n) => new Float64Array(n));
    this.kinds = move(this.kinds, (n) => new Uint8Array(n));
    this.forms = move(this.forms, (n) => new Uint8Array(n));
    this.seenAts = move(this.seenAts, (n) => new Float64Array(n));
    this.frameNumbers = move(this.frameNumbers, (n) => new Float64Array(n));
    this.slabSerials = move(this.slabSerials, (n) => new Float64Array(n));
    this.offsets = move(this.offsets, (n) => new Uint32Array(n));
    this.lengths = move(this.lengths, (n) => new Uint32Array(n));
    const files = this.files.slice(this.head, this.tail);
    files.length = capacity;
    this.files = files;
    this.capacity = capacity;
    this.head = 0;
    this.tail = held;
  }

  /** Back to the initial columns (nothing held). */
  private resetColumns(): void {
    if (this.capacity === INITIAL_CAPACITY) return;
    this.capacity = INITIAL_CAPACITY;
    this.moduleIds = new Float64Array(INITIAL_CAPACITY);
    this.kinds = new Uint8Array(INITIAL_CAPACITY);
    this.forms = new Uint8Array(INITIAL_CAPACITY);
    this.seenAts = new Float64Array(INITIAL_CAPACITY);
    this.frameNumbers = new Float64Array(INITIAL_CAPACITY);
    this.slabSerials = new Float64Array(INITIAL_CAPACITY);
    this.offsets = new Uint32Array(INITIAL_CAPACITY);
    this.lengths = new Uint32Array(INITIAL_CAPACITY);
    this.files = new Array<string>(INITIAL_CAPACITY);
  }
}
