// Where the ring keeps the encoded bytes of the frames it holds: copied into large shared
// ArrayBuffers (slabs), in sequence order, each image's bytes a view into one. One small
// ArrayBuffer per held image cost far more than its bytes (with a 64 MiB ring of ph256
// frames, ~900-byte images, the node's RSS was ~5x the bound: every ArrayBuffer has its own
// backing store, tracking object and malloc block). Because the ring evicts oldest first, the
// slabs empty in the order they were filled: a queue of slabs, each counting its held images,
// let go (to the GC, once no message in flight still views it) when its last one is evicted.
// A slab region is never written twice, so a view handed to a sender stays valid. The ring
// counts whole slabs, so its bound covers the slack at the end of a slab too.

/**
 * The largest slab: tens of images each, and below glibc's mmap threshold (128 KiB), so a freed
 * slab's memory is reused from the malloc arena. 1 MiB slabs were mmapped afresh each time, and
 * their first-touch page faults cost ~3 ns per byte on the 2-core VM (the copy into them was 22 %
 * of the node's CPU in a profile; 32 KiB: ~0.4 ns per byte, measured the same way).
 */
export const MAX_SLAB_BYTES = 32 * 1024;

interface Slab {
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
    let slab: Slab;
    if (bytes.length > this.slabBytes) {
      // Later copies go to a newer slab: the queue's order stays the order of the images.
      slab = this.open(bytes.length);
      this.current = null;
    } else {
      const c = this.current;
      slab = c && c.buffer.length - c.used >= bytes.length ? c : (this.current = this.open(this.slabBytes));
    }
    // A view by constructor, not subarray(): subarray looks up a species constructor each time.
    const view = new Uint8Array(slab.buffer.buffer, slab.used, bytes.length);
    view.set(bytes);
    slab.used += bytes.length;
    slab.held++;
    return view;
  }

  /** The oldest held image was evicted: its slab lets go once that was its last one. */
  releaseOldest(): void {
    const slab = this.slabs[this.head];
    if (!slab) throw new Error('SlabQueue.releaseOldest: nothing held');
    if (--slab.held > 0) return;
    this.slabs[this.head++] = undefined as unknown as Slab;
    this.bytes -= slab.buffer.length;
    if (slab === this.current) this.current = null;
    if (this.head > 64 && this.head * 2 > this.slabs.length) {
      this.slabs.splice(0, this.head);
      this.head = 0;
    }
  }

  private open(size: number): Slab {
    const slab: Slab = { buffer: new Uint8Array(size), used: 0, held: 0 };
    this.slabs.push(slab);
    this.bytes += size;
    return slab;
  }
}
