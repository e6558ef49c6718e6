// The four PANOSETI data products (REFERENCE section 2). The data product named in a file
// name decides a frame's shape, pixel type and header layout.

export type DataProduct = 'img16' | 'img8' | 'ph1024' | 'ph256';
export type ImageKind = 'movie' | 'pulse-height';
export type Pixels = Uint8Array | Uint16Array | Int16Array;

export interface DataProductInfo {
  readonly name: DataProduct;
  readonly kind: ImageKind;
  readonly rows: number;
  readonly cols: number;
  readonly bytesPerPixel: 1 | 2;
  /** Pulse-height pixels are signed int16; movie pixels are unsigned. */
  readonly signed: boolean;
  /** 'quabos': one entry per quadrant board (quabo_0..quabo_3); 'flat': one quabo, with quabo_num. */
  readonly headerLayout: 'quabos' | 'flat';
}

export const DATA_PRODUCTS: Readonly<Record<DataProduct, DataProductInfo>> = {
  img16: { name: 'img16', kind: 'movie', rows: 32, cols: 32, bytesPerPixel: 2, signed: false, headerLayout: 'quabos' },
  img8: { name: 'img8', kind: 'movie', rows: 32, cols: 32, bytesPerPixel: 1, signed: false, headerLayout: 'quabos' },
  ph1024: { name: 'ph1024', kind: 'pulse-height', rows: 32, cols: 32, bytesPerPixel: 2, signed: true, headerLayout: 'quabos' },
  ph256: { name: 'ph256', kind: 'pulse-height', rows: 16, cols: 16, bytesPerPixel: 2, signed: true, headerLayout: 'flat' },
};

export function isDataProduct(name: string): name is DataProduct {
  return Object.hasOwn(DATA_PRODUCTS, name);
}

export function dataProductInfo(name: string): DataProductInfo | undefined {
  return isDataProduct(name) ? DATA_PRODUCTS[name] : undefined;
}

/** The data product an image of this kind, shape and pixel width must be, if any. */
export function dataProductFor(kind: ImageKind, rows: number, cols: number, bytesPerPixel: number): DataProductInfo | undefined {
  return Object.values(DATA_PRODUCTS).find(
    (dp) => dp.kind === kind && dp.rows === rows && dp.cols === cols && dp.bytesPerPixel === bytesPerPixel,
  );
}

export function pixelCount(dp: DataProductInfo): number {
  return dp.rows * dp.cols;
}

export function pixelByteLength(dp: DataProductInfo): number {
  return dp.rows * dp.cols * dp.bytesPerPixel;
}

/** Typed arrays use the host's byte order; PFF pixels are little-endian. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function allocatePixels(dp: DataProductInfo, count: number): Pixels {
  if (dp.bytesPerPixel === 1) return new Uint8Array(count);
  return dp.signed ? new Int16Array(count) : new Uint16Array(count);
}

/**
 * Decodes the pixels of several frames at once: `pixelByteLength(dp)` bytes at each of `starts`
 * in `bytes`. One allocation serves them all (per-frame typed arrays cost more than the copy),
 * and each frame gets its own subarray of it.
 */
export function decodePixelBlock(dp: DataProductInfo, bytes: Uint8Array, starts: readonly number[]): Pixels[] {
  const n = pixelCount(dp);
  const frameBytes = n * dp.bytesPerPixel;
  const block = allocatePixels(dp, n * starts.length);
  if (dp.bytesPerPixel === 1 || LITTLE_ENDIAN_HOST) {
    const target = new Uint8Array(block.buffer);
    starts.forEach((start, i) => target.set(bytes.subarray(start, start + frameBytes), i * frameBytes));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    starts.forEach((start, i) => {
      for (let k = 0; k < n; k++) block[i * n + k] = dp.signed ? view.getInt16(start + 2 * k, true) : view.getUint16(start + 2 * k, true);
    });
  }
  return starts.map((_, i) => block.subarray(i * n, (i + 1) * n));
}

/** Copies little-endian pixel bytes into a typed array of the product's pixel type. */
export function pixelsFromBytes(dp: DataProductInfo, bytes: Uint8Array): Pixels {
  const n = pixelCount(dp);
  if (bytes.length !== n * dp.bytesPerPixel) {
    throw new RangeError(`${dp.name}: expected ${n * dp.bytesPerPixel} pixel bytes, got ${bytes.length}`);
  }
  return decodePixelBlock(dp, bytes, [0])[0]!;
}

/** Little-endian bytes of a pixel array, as written in a PFF frame. */
export function pixelsToBytes(dp: DataProductInfo, pixels: ArrayLike<number>): Uint8Array {
  const n = pixelCount(dp);
  if (pixels.length !== n) throw new RangeError(`${dp.name}: expected ${n} pixels, got ${pixels.length}`);
  if (dp.bytesPerPixel === 1) return Uint8Array.from(pixels);
  const out = new Uint8Array(2 * n);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    if (dp.signed) view.setInt16(2 * i, pixels[i]!, true);
    else view.setUint16(2 * i, pixels[i]!, true);
  }
  return out;
}
