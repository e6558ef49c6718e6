// A frame as its PFF file holds it: how the ring keeps a frame read from a file, and how it
// goes to a client that takes frames that way (DeliveryOptions.pff_frames: no encoding on the
// node, and the client parses it as it parses files). What other readers need is made from it
// on demand: the PanoImage encoding for an every-frame client that takes PanoImages, and the
// pixels and time for ROI stats.
import { parseHeader, pixelsFromBytes, type DataProductInfo, type FrameHeader, type ImageKind } from '@daqdata/core';
import type { BroadcastImage, FramePixels } from './broadcast-image.js';
import { framePixelsOf } from './frame-pixels.js';
import { encodeFramePanoImage } from './pano-image-encoding.js';

export interface PffFrameBytes {
  /** The whole frame: header (headerLength bytes), '*', pixels. */
  readonly bytes: Uint8Array;
  readonly dataProduct: DataProductInfo;
  readonly headerLength: number;
}

/**
 * Frames of one file read together (a follower's read), published as one (ImageHub's
 * publishFileFrames): the ring holds them as the file holds them without an image object each,
 * and only the newest becomes an image (what latest clients and the hub's newest need).
 */
export interface FileFrameRun {
  readonly moduleId: number;
  readonly kind: ImageKind;
  readonly file: string;
  readonly dataProduct: DataProductInfo;
  /** Frame k is bytes[starts[k], starts[k] + frameSize): the reader's buffer, valid while the run is published. */
  readonly bytes: Uint8Array;
  readonly starts: readonly number[];
  /** Frame k's number in its file. */
  readonly frameNumbers: readonly number[];
  readonly frameSize: number;
  /** Clock reading (ms) when the frames were read. */
  readonly seenAt: number;
  /** Frame k as an image of its own, its bytes still the reader's (keepPffAt gives them a place). */
  image(k: number): BroadcastImage;
}

/**
 * A published frame's PFF bytes, where they are now: the follower's read buffer while the frame
 * is published, then the ring's slab (moveTo) or the frame's own copy (copy). The image's encoder
 * and pixel source read `bytes` when they run. A view is made only when asked for: most frames
 * the ring keeps are never encoded, and a view per frame was a measurable share of a push.
 */
export class PffFrameSource implements PffFrameBytes {
  private view: Uint8Array | null;
  private buffer: ArrayBufferLike;
  private offset: number;
  private readonly length: number;

  constructor(
    bytes: Uint8Array,
    readonly dataProduct: DataProductInfo,
    readonly headerLength: number,
  ) {
    this.view = bytes;
    this.buffer = bytes.buffer;
    this.offset = bytes.byteOffset;
    this.length = bytes.length;
  }

  get bytes(): Uint8Array {
    return (this.view ??= new Uint8Array(this.buffer, this.offset, this.length));
  }

  /** The bytes are at `offset` of `buffer` from now on (a copy the ring made). */
  moveTo(buffer: ArrayBufferLike, offset: number): void {
    this.view = null;
    this.buffer = buffer;
    this.offset = offset;
  }

  /** The bytes are the frame's own copy from now on. */
  copy(): void {
    const own = this.bytes.slice();
    this.view = own;
    this.buffer = own.buffer;
    this.offset = 0;
  }
}

/** The frame's little-endian pixel bytes (a view). */
export function pffPixelBytes(pff: PffFrameBytes): Uint8Array {
  return pff.bytes.subarray(pff.headerLength + 1);
}

/** parseHeader reads a layout's data product and header length only. */
const NO_TEMPLATE = { positions: new Uint32Array(0), values: new Uint8Array(0) };

/** The frame's header, parsed from its bytes (the follower checked the frame when it read it). */
export function pffHeader(pff: PffFrameBytes, file: string): FrameHeader {
  const layout = { dataProduct: pff.dataProduct, headerLength: pff.headerLength, pixelBytes: pff.bytes.length - pff.headerLength - 1, frameSize: pff.bytes.length, headerTemplate: NO_TEMPLATE };
  const header = parseHeader(pff.bytes, 0, layout, { file, offset: 0 });
  if (header instanceof Error) throw header;
  return header;
}

/** The frame's PanoImage encoding, in the encoder's scratch buffer (valid until the next encoding: copy it to keep it). */
export function encodePffPanoImage(pff: PffFrameBytes, meta: { file: string; moduleId: number; frameNumber: number }): Uint8Array {
  return encodeFramePanoImage({ index: meta.frameNumber, header: pffHeader(pff, meta.file), pixelBytes: pffPixelBytes(pff) }, { file: meta.file, moduleId: meta.moduleId, dataProduct: pff.dataProduct });
}

/** The frame's typed pixels (their own copy) and time. */
export function framePixelsOfPff(pff: PffFrameBytes, file: string): FramePixels {
  return framePixelsOf({ header: pffHeader(pff, file), pixels: pixelsFromBytes(pff.dataProduct, pffPixelBytes(pff)) }, pff.dataProduct);
}
