// The pixels of a PanoImage that decodeStreamImagesResponse read in 'packed' mode: left as the
// packed varints they came in, for parsePanoImage to read straight into the data product's
// typed array. Building image_array's number[] (one element per pixel) was ~70 % of decoding
// a ph256 response, and parsing then copied it into the typed array again. image_array stays
// empty until parsePanoImage finds the packed values invalid: it then fills it in, so that the
// usual checks name the problem.
import type { PanoImage } from '../gen/daq_data.js';
import type { DataProductInfo, Pixels } from '../pff/data-product.js';

/** A packed repeated uint32 field: buf[start, end), each value checked to be a uint32 varint. */
export interface PackedUint32 {
  buf: Uint8Array;
  start: number;
  end: number;
}

/** Images decoded in 'packed' mode, with their field and the empty array standing in for it. */
const packedImages = new WeakMap<PanoImage, { packed: PackedUint32; placeholder: number[] }>();

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

/** Leaves `img.imageArray` empty and remembers where its values are. */
export function keepPacked(img: PanoImage, packed: PackedUint32): void {
  packedImages.set(img, { packed, placeholder: img.imageArray });
}

/**
 * The image's pixels as `dp`'s typed array, read from its packed bytes; null when it has none
 * (or image_array was replaced since), or when they are not exactly rows x cols values in
 * range: image_array is then filled in, for the caller to check as usual.
 */
export function pixelsFromPacked(img: PanoImage, dp: DataProductInfo): Pixels | null {
  const entry = packedImages.get(img);
  if (!entry || img.imageArray !== entry.placeholder) return null;
  const pixels = typedFromPacked(entry.packed, dp);
  if (!pixels) img.imageArray.push(...readPackedUint32(entry.packed));
  packedImages.delete(img);
  return pixels;
}

function typedFromPacked({ buf, start, end }: PackedUint32, dp: DataProductInfo): Pixels | null {
  const n = dp.rows * dp.cols;
  const pixels = dp.bytesPerPixel === 1 ? new Uint8Array(n) : dp.signed ? new Int16Array(n) : new Uint16Array(n);
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
