// The image model in both directions: PFF frame -> PanoImage (server), PanoImage -> typed
// image (client, CLI), and the checks an uploaded PanoImage must pass. One place, so the
// server, the client and the CLI cannot disagree on pixel encoding or shape rules.
import { PanoImage_Type, type PanoImage } from '../gen/daq_data.js';
import { dataProductFor, type DataProduct, type DataProductInfo, type ImageKind, type Pixels } from '../pff/data-product.js';
import { checkHeaderFields } from '../pff/header-fields.js';
import { timingPacket } from '../pff/header.js';
import { pixelsFromPacked } from './packed-pixels.js';
import type { PffFrame } from '../pff/frame-reader.js';
import { frameTime } from '../time/white-rabbit.js';

const KIND_OF_TYPE: Partial<Record<PanoImage_Type, ImageKind>> = {
  [PanoImage_Type.MOVIE]: 'movie',
  [PanoImage_Type.PULSE_HEIGHT]: 'pulse-height',
};

export function panoImageType(kind: ImageKind): PanoImage_Type {
  return kind === 'movie' ? PanoImage_Type.MOVIE : PanoImage_Type.PULSE_HEIGHT;
}

/** Frame -> protocol message. image_array holds one uint32 per pixel; int16 as its 16-bit two's complement. */
export function panoImageFromFrame(frame: PffFrame, meta: { file: string; moduleId: number; dataProduct: DataProductInfo }): PanoImage {
  const dp = meta.dataProduct;
  const imageArray = new Array<number>(frame.pixels.length);
  for (let i = 0; i < frame.pixels.length; i++) imageArray[i] = frame.pixels[i]! & 0xffff;
  return {
    type: panoImageType(dp.kind),
    header: structuredClone(frame.header) as unknown as Record<string, unknown>,
    imageArray,
    shape: [dp.rows, dp.cols],
    bytesPerPixel: dp.bytesPerPixel,
    file: meta.file,
    frameNumber: frame.index,
    moduleId: meta.moduleId,
  };
}

export interface PanoImageProblem {
  /** Protocol field path, e.g. 'pano_image.shape'. */
  field: string;
  reason: string;
}

/** The data product a PanoImage claims to be, or what is wrong with it. */
function imageDataProduct(img: PanoImage): { dp: DataProductInfo } | PanoImageProblem {
  const result = claimedDataProduct(img);
  if (!('dp' in result)) return result;
  return pixelProblem(img, result.dp) ?? result;
}

/** The data product of a PanoImage's type, shape and bytes per pixel, or what is wrong with them. */
function claimedDataProduct(img: PanoImage): { dp: DataProductInfo } | PanoImageProblem {
  const kind = KIND_OF_TYPE[img.type];
  if (!kind) return { field: 'pano_image.type', reason: `type ${img.type} is neither MOVIE (2) nor PULSE_HEIGHT (1)` };
  if (img.shape.length !== 2 || !img.shape.every((n) => Number.isInteger(n) && n > 0)) {
    return { field: 'pano_image.shape', reason: `shape ${JSON.stringify(img.shape)} is not [rows, cols] of positive integers` };
  }
  if (img.bytesPerPixel !== 1 && img.bytesPerPixel !== 2) {
    return { field: 'pano_image.bytes_per_pixel', reason: `bytes_per_pixel ${img.bytesPerPixel} is neither 1 nor 2` };
  }
  const [rows, cols] = img.shape as [number, number];
  const dp = dataProductFor(kind, rows, cols, img.bytesPerPixel);
  if (!dp) {
    return {
      field: 'pano_image.shape',
      reason: `no data product is a ${kind} image of ${rows}x${cols} with ${img.bytesPerPixel} bytes per pixel`,
    };
  }
  return { dp };
}

/** What is wrong with image_array for data product `dp`, if anything. */
function pixelProblem(img: PanoImage, dp: DataProductInfo): PanoImageProblem | null {
  const { rows, cols } = dp;
  if (img.imageArray.length !== rows * cols) {
    return { field: 'pano_image.image_array', reason: `${img.imageArray.length} pixels, expected ${rows * cols} for shape ${rows}x${cols}` };
  }
  const max = img.bytesPerPixel === 1 ? 0xff : 0xffff;
  for (let i = 0; i < img.imageArray.length; i++) {
    const v = img.imageArray[i]!;
    if (!Number.isInteger(v) || v < 0 || v > max) {
      return { field: `pano_image.image_array[${i}]`, reason: `${v} is out of range 0-${max} for ${img.bytesPerPixel} byte(s) per pixel` };
    }
  }
  return null;
}

/** null when the image is valid, else the offending field and why (for UploadImages). */
export function validatePanoImage(img: PanoImage): PanoImageProblem | null {
  const result = imageDataProduct(img);
  return 'dp' in result ? null : result;
}

export class PanoImageError extends Error {
  override readonly name = 'PanoImageError';
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

export interface ImageTime {
  wrUnixNs: bigint | null;
  wrSynchronised: boolean;
  arrivalUnixNs: bigint;
  iso: string;
}

export interface ParsedImage {
  type: 'movie' | 'pulse-height';
  dataProduct: DataProduct;
  host: string;
  moduleId: number;
  file: string;
  frameNumber: number;
  shape: [number, number];
  bytesPerPixel: number;
  /**
   * Uint8Array (img8), Uint16Array (img16), Int16Array (pulse-height). An image from a stream
   * (the SDK's parsed images) may share its ArrayBuffer with the other images of the message it
   * came in: `pixels` is then a view (`byteOffset` not 0), and keeping it keeps that message's
   * pixels in memory. `pixels.slice()` gives the image's own copy.
   */
  pixels: Pixels;
  /** The frame header as sent; integer fields are numbers. */
  header: Record<string, unknown>;
  /** ph256: the quadrant board (quabo_num 0-3) the event came from. */
  quabo: number | undefined;
  /** Frame time (REFERENCE section 4); null when the header lacks the timing fields. */
  time: ImageTime | null;
  serverTimestamp: Date | undefined;
  /** Pixel at row, col (row-major). */
  at(row: number, col: number): number;
}

function typedPixels(dp: DataProductInfo, values: readonly number[]): Pixels {
  if (dp.bytesPerPixel === 1) return Uint8Array.from(values);
  // Int16Array.from wraps 0x8000..0xffff to negative: the two's complement reading.
  return dp.signed ? Int16Array.from(values) : Uint16Array.from(values);
}

/** Frame time from a header, or null when it lacks this data product's timing fields. */
function imageTime(header: Record<string, unknown>, dp: DataProductInfo): ImageTime | null {
  const checked = checkHeaderFields(header, dp);
  if ('problem' in checked) return null;
  const t = frameTime(timingPacket(checked.header));
  return { wrUnixNs: t.wrUnixNs, wrSynchronised: t.wrSynchronised, arrivalUnixNs: t.arrivalUnixNs, iso: t.iso };
}

/** ph256's quabo_num: the quadrant a pulse-height event belongs to. */
function quaboOf(header: Record<string, unknown>): number | undefined {
  const q = header.quabo_num;
  return typeof q === 'number' && Number.isInteger(q) ? q : undefined;
}

/** Protocol message -> typed image; throws PanoImageError naming the field when it is invalid. */
export function parsePanoImage(img: PanoImage, ctx: { host: string; serverTimestamp?: Date }): ParsedImage {
  const result = claimedDataProduct(img);
  if (!('dp' in result)) throw new PanoImageError(result.field, result.reason);
  const { dp } = result;
  // Straight from the packed bytes when decodeStreamImagesResponse kept them and they are valid.
  let pixels = pixelsFromPacked(img, dp);
  if (!pixels) {
    const problem = pixelProblem(img, dp);
    if (problem) throw new PanoImageError(problem.field, problem.reason);
    pixels = typedPixels(dp, img.imageArray);
  }
  return parsedImage(dp, pixels, (img.header ?? {}) as Record<string, unknown>, img, ctx);
}

/**
 * The typed image of a frame whose pixels and header are decoded: what parsePanoImage gives,
 * and what the SDK gives for a frame that came as the file holds it (a node's PffFrameRun).
 */
export function parsedImage(
  dp: DataProductInfo,
  pixels: Pixels,
  header: Record<string, unknown>,
  meta: { moduleId: number; file: string; frameNumber: number },
  ctx: { host: string; serverTimestamp?: Date },
): ParsedImage {
  const time = imageTime(header, dp);
  const { rows, cols } = dp;
  return {
    type: dp.kind,
    dataProduct: dp.name,
    host: ctx.host,
    moduleId: meta.moduleId,
    file: meta.file,
    frameNumber: meta.frameNumber,
    shape: [rows, cols],
    bytesPerPixel: dp.bytesPerPixel,
    pixels,
    header,
    quabo: quaboOf(header),
    time,
    serverTimestamp: ctx.serverTimestamp,
    at(row: number, col: number): number {
      if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || row >= rows || col < 0 || col >= cols) {
        throw new RangeError(`pixel (${row}, ${col}) is outside ${rows}x${cols}`);
      }
      return pixels[row * cols + col]!;
    },
  };
}
