// Where the ring keeps the encoded bytes of the frames it holds: copied into large shared
// ArrayBuffers (slabs), in sequence order, each image's bytes a view into one. One small
// ArrayBuffer per held image cost far more than its bytes (with a 64 MiB ring of ph256
// frames, ~900-byte images, the node's RSS was ~5x the bound: every ArrayBuffer has its own
// backing store, tracking object and malloc block). Because the ring evicts oldest first, the
// slabs empty in the order they were filled: a queue of slabs, each counting its held images.
// An emptied slab is used again for new images rather than left to the GC: a fresh slab's
// memory cost ~110 us of page faults per 32 KiB on the 2-core VM (17 % of the node's CPU
// reading every frame), and slabs waiting for a major GC kept the node's RSS at ~4x the
// ring's bound. A view into a reused slab would change under whoever still holds it, so:
// - an emptied slab waits one event-loop turn before it is reused (`recycle`): a view handed
//   out by a read (a batch being encoded, an image being sent) is copied into its response
//   within the turn it was read in (see every-frame-call.ts, daq-node.ts);
// - the ring lets an image that others may still hold across turns own its bytes before its
//   slab empties (frame-ring.ts, `retainedElsewhere`);
// - a slab emptied by a re-initialisation (`release(false)`) is never reused.
// The ring counts whole slabs, so its bound covers the slack at the end of a slab too; the
// spare slabs kept for reuse are at most SPARE_SLABS, outside the bound.

/**
 * The largest slab: tens of images each, and below glibc's mmap threshold (128 KiB), so a freed
 * slab's memory is reused from the malloc arena. 1 MiB slabs were mmapped afresh each time, and
 * their first-touch page faults cost ~3 ns per byte on the 2-core VM (the copy into them was 22 %
 * of the node's CPU in a profile; 32 KiB: ~0.4 ns per byte, measured the same way).
 */
export const MAX_SLAB_BYTES = 32 * 1024;

/** Emptied slabs kept for reuse (at most 2 MiB of 32 KiB slabs): enough for a ring that evicts as fast as it holds. */
export const SPARE_SLABS = 64;

interface Slab {
  /** Numbers the slabs in the order they were opened: the queue holds consecutive serials. */
  serial: number;
  buffer: Uint8Array;
  /** Bytes written (the next copy goes here). */
  used: number;
  /** Held images whose bytes are in this slab. */
  held: number;
}

/** A FIFO of slabs holding the ring's encoded images; `bytes` is the size of every slab still referenced here. */
export class SlabQueue {
  private readonly slabs: Slab[] = [];
  private head = 0;
  /** The slab new copies go into (the newest one, unless an image had a slab of its own). */
  private current: Slab | null = null;
  /** Sum of the sizes of the slabs held. */
  bytes = 0;
  /** Emptied slabs of `slabBytes`, ready for reuse. */
  private readonly spare: Slab[] = [];
  /** Emptied this event-loop turn: reusable from the next one. */
  private cooling: Slab[] = [];
  private coolingTurn: NodeJS.Immediate | undefined;
  /** Slabs reused rather than allocated (tests read it through FrameRing.slabsReused). */
  reused = 0;
  /** The serial of the slab the last copyIn() (or hold()) copied into. */
  lastSerial = 0;
  /** That slab's memory. */
  lastBuffer: ArrayBufferLike = new ArrayBuffer(0);
  /** That slab (its Uint8Array over lastBuffer). */
  lastBytes: Uint8Array = new Uint8Array(0);
  private nextSerial = 1;

  /** Slabs of `slabBytes`; an image larger than that gets a slab of its own, of its exact size. */
  constructor(private readonly slabBytes: number) {}

  /** What holding `length` more bytes would add to `bytes`: 0 if they fit the current slab. */
  costOf(length: number): number {
    if (length > this.slabBytes) return length;
    const c = this.current;
    return c && c.buffer.length - c.used >= length ? 0 : this.slabBytes;
  }

  /** A copy of `bytes` in the newest slab (opening one if needed), counted as held until `releaseOldest`. */
  hold(bytes: Uint8Array): Uint8Array {
    // A view by constructor, not subarray(): subarray looks up a species constructor each time.
    const offset = this.copyIn(bytes);
    return new Uint8Array(this.lastBuffer, offset, bytes.length);
  }

  /** As hold(), without making a view: where the copy starts in lastBuffer (of slab lastSerial). */
  copyIn(bytes: Uint8Array): number {
    const at = this.reserve(bytes.length);
    this.lastBytes.set(bytes, at);
    return at;
  }

  /**
   * Room for `length` bytes in the newest slab (opening one if needed), counted as held until
   * `releaseOldest`: where they go in lastBytes (of slab lastSerial). The caller copies them in,
   * in this turn (several reserved one after another may be copied in one piece).
   */
  reserve(length: number): number {
    let slab: Slab;
    if (length > this.slabBytes) {
      // Later copies go to a newer slab: the queue's order stays the order of the images.
      slab = this.open(length);
      this.current = null;
    } else {
      const c = this.current;
      slab = c && c.buffer.length - c.used >= length ? c : (this.current = this.open(this.slabBytes));
    }
    const at = slab.used;
    slab.used += length;
    slab.held++;
    this.lastSerial = slab.serial;
    this.lastBytes = slab.buffer;
    this.lastBuffer = slab.buffer.buffer;
    return at;
  }

  /** A view of `length` bytes at `offset` of the held slab numbered `serial` (from hold(): lastSerial and the view's byteOffset). */
  viewAt(serial: number, offset: number, length: number): Uint8Array {
    const slab = this.slabs[this.head + serial - this.slabs[this.head]!.serial]!;
    return new Uint8Array(slab.buffer.buffer, offset, length);
  }

  /**
   * The oldest held image was evicted: its slab lets go once that was its last one, to be
   * reused from the next event-loop turn if `recycle` (never, for a re-initialisation's drop:
   * clients' pending images may still view it).
   */
  releaseOldest(recycle = true): void {
    const slab = this.slabs[this.head];
    if (!slab) throw new Error('SlabQueue.releaseOldest: nothing held');
    if (--slab.held > 0) return;
    this.slabs[this.head++] = undefined as unknown as Slab;
    this.bytes -= slab.buffer.length;
    if (slab === this.current) this.current = null;
    if (recycle && slab.buffer.length === this.slabBytes) this.cool(slab);
    if (this.head > 64 && this.head * 2 > this.slabs.length) {
      this.slabs.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Spare slabs ready for reuse now. */
  get spareCount(): number {
    return this.spare.length;
  }

  /** Drops the spare slabs and any waiting to cool (the ring is done with them). */
  dropSpares(): void {
    this.spare.length = 0;
    this.cooling = [];
    clearImmediate(this.coolingTurn);
    this.coolingTurn = undefined;
  }

  private cool(slab: Slab): void {
    if (this.spare.length + this.cooling.length >= SPARE_SLABS) return;
    this.cooling.push(slab);
    this.coolingTurn ??= setImmediate(() => {
      this.coolingTurn = undefined;
      for (const s of this.cooling) {
        s.used = 0;
        this.spare.push(s);
      }
      this.cooling = [];
    });
  }

  private open(size: number): Slab {
    const reused = size === this.slabBytes ? this.spare.pop() : undefined;
    if (reused) this.reused++;
    // Not zero-filled: only the bytes copied in are ever read. Its own ArrayBuffer (not pooled):
    // offsets into the slab are offsets into lastBuffer.
    const slab: Slab = reused ?? { serial: 0, buffer: Buffer.allocUnsafeSlow(size), used: 0, held: 0 };
    slab.serial = this.nextSerial++;
    this.slabs.push(slab);
    this.bytes += size;
    return slab;
  }
}
