// The pixels of a PanoImage that decodeStreamImagesResponse read in 'packed' mode: left as the
// packed varints they came in, for parsePanoImage to read straight into the data product's
// typed array. Building image_array's number[] (one element per pixel) was ~70 % of decoding
// a ph256 response, and parsing then copied it into the typed array again. image_array stays
// empty until parsePanoImage finds the packed values invalid: it then fills it in, so that the
// usual checks name the problem.
// The typed arrays of one message's images are views of one ArrayBuffer (a PixelBlock, sized by
// the decoder from the values it counted), not one ArrayBuffer each: a ph256 image is 512 bytes,
// and a separate backing store per image (allocated, tracked and freed by the garbage
// collector one by one) was the largest cost of reading the pixels.
import type { PanoImage } from '../gen/daq_data.js';
import type { DataProductInfo, Pixels } from '../pff/data-product.js';

/** A packed repeated uint32 field: buf[start, end), each value checked to be a uint32 varint. */
export interface PackedUint32 {
  buf: Uint8Array;
  start: number;
  end: number;
}

/** One message's pixels: its images' parts are reserved at decoding, the buffer made at the first image read. */
export class PixelBlock {
  #bytes = 0;
  #buffer: ArrayBuffer | undefined;

  /** Reserves `bytes` (rounded up to even, so that every part can hold 16-bit pixels); returns its offset. */
  reserve(bytes: number): number {
    const offset = this.#bytes;
    this.#bytes += bytes + (bytes & 1);
    return offset;
  }

  get buffer(): ArrayBuffer {
    return (this.#buffer ??= new ArrayBuffer(this.#bytes));
  }
}

/** An image's part of its message's PixelBlock: `bytes` at `offset`. */
export interface PixelSlot {
  block: PixelBlock;
  offset: number;
  bytes: number;
}

/** Images decoded in 'packed' mode, with their field, their part of the message's block, and the empty array standing in for the field. */
const packedImages = new WeakMap<PanoImage, { packed: PackedUint32; slot: PixelSlot | undefined; placeholder: number[] }>();

/** The values of a packed uint32 field (checked beforehand: every varint at most 5 bytes and below 2^32). */
export function readPackedUint32({ buf, start, end }: PackedUint32): number[] {
  const values: number[] = [];
  let pos = start;
  while (pos < end) {
    let b = buf[pos++]!;
    let v = b & 0x7f;
    let scale = 0x80;
    while (b >= 0x80) {
      b = buf[pos++]!;
      v += (b & 0x7f) * scale;
      scale *= 0x80;
    }
    values.push(v);
  }
  return values;
}

/** Leaves `img.imageArray` empty and remembers where its values are (and, with `slot`, where its typed pixels go). */
export function keepPacked(img: PanoImage, packed: PackedUint32, slot?: PixelSlot): void {
  packedImages.set(img, { packed, slot, placeholder: img.imageArray });
}

/**
 * The image's pixels as `dp`'s typed array, read from its packed bytes; null when it has none
 * (or image_array was replaced since), or when they are not exactly rows x cols values in
 * range: image_array is then filled in, for the caller to check as usual.
 */
export function pixelsFromPacked(img: PanoImage, dp: DataProductInfo): Pixels | null {
  const entry = packedImages.get(img);
  if (!entry || img.imageArray !== entry.placeholder) return null;
  const pixels = typedFromPacked(entry.packed, dp, entry.slot);
  if (!pixels) img.imageArray.push(...readPackedUint32(entry.packed));
  packedImages.delete(img);
  return pixels;
}

/** A typed array of `n` pixels of `dp`: a view of the image's part of its message's block when that part fits, else its own. */
function allocatePixels(dp: DataProductInfo, n: number, slot: PixelSlot | undefined): Pixels {
  if (slot && slot.bytes === n * dp.bytesPerPixel) {
    const { buffer } = slot.block;
    return dp.bytesPerPixel === 1 ? new Uint8Array(buffer, slot.offset, n) : dp.signed ? new Int16Array(buffer, slot.offset, n) : new Uint16Array(buffer, slot.offset, n);
  }
  return dp.bytesPerPixel === 1 ? new Uint8Array(n) : dp.signed ? new Int16Array(n) : new Uint16Array(n);
}

function typedFromPacked({ buf, start, end }: PackedUint32, dp: DataProductInfo, slot: PixelSlot | undefined): Pixels | null {
  const n = dp.rows * dp.cols;
  const pixels = allocatePixels(dp, n, slot);
  const max = dp.bytesPerPixel === 1 ? 0xff : 0xffff;
  let pos = start;
  let i = 0;
  while (pos < end) {
    if (i === n) return null;
    let b = buf[pos++]!;
    let v = b & 0x7f;
    if (b >= 0x80) {
      b = buf[pos++]!;
      v |= (b & 0x7f) << 7;
      if (b >= 0x80) {
        b = buf[pos++]!;
        // A third byte ends a 16-bit value; a fourth means a larger one.
        if (b >= 0x80) return null;
        v |= b << 14;
      }
    }
    if (v > max) return null;
    // Int16Array stores 0x8000-0xffff as negative: the two's complement reading, as Int16Array.from.
    pixels[i++] = v;
  }
  return i === n ? pixels : null;
}
