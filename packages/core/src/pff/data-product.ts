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

/** Copies little-endian pixel bytes into a typed array of the product's pixel type. */
export function pixelsFromBytes(dp: DataProductInfo, bytes: Uint8Array): Pixels {
  const n = pixelCount(dp);
  if (bytes.length !== n * dp.bytesPerPixel) {
    throw new RangeError(`${dp.name}: expected ${n * dp.bytesPerPixel} pixel bytes, got ${bytes.length}`);
  }
  if (dp.bytesPerPixel === 1) return Uint8Array.from(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = dp.signed ? new Int16Array(n) : new Uint16Array(n);
  if (dp.signed) for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true);
  else for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, true);
  return out;
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
