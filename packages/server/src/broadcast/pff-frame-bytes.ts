// A frame as its PFF file holds it: how the ring keeps a frame read from a file, and how it
// goes to a client that takes frames that way (DeliveryOptions.pff_frames: no encoding on the
// node, and the client parses it as it parses files). What other readers need is made from it
// on demand: the PanoImage encoding for an every-frame client that takes PanoImages, and the
// pixels and time for ROI stats.
import { parseHeader, pixelsFromBytes, type DataProductInfo, type FrameHeader } from '@daqdata/core';
import type { FramePixels } from './broadcast-image.js';
import { framePixelsOf } from './frame-pixels.js';
import { encodeFramePanoImage } from './pano-image-encoding.js';

export interface PffFrameBytes {
  /** The whole frame: header (headerLength bytes), '*', pixels. */
  readonly bytes: Uint8Array;
  readonly dataProduct: DataProductInfo;
  readonly headerLength: number;
}

/** The frame's little-endian pixel bytes (a view). */
export function pffPixelBytes(pff: PffFrameBytes): Uint8Array {
  return pff.bytes.subarray(pff.headerLength + 1);
}

/** parseHeader reads a layout's data product and header length only. */
const NO_TEMPLATE = { positions: new Uint32Array(0), values: new Uint8Array(0) };

/** The frame's header, parsed as the follower parsed it when it read the frame (it was checked then). */
export function pffHeader(pff: PffFrameBytes, file: string): FrameHeader {
  const layout = { dataProduct: pff.dataProduct, headerLength: pff.headerLength, pixelBytes: pff.bytes.length - pff.headerLength - 1, frameSize: pff.bytes.length, headerTemplate: NO_TEMPLATE };
  const header = parseHeader(pff.bytes, 0, layout, { file, offset: 0 });
  if (header instanceof Error) throw header;
  return header;
}

/** The frame's PanoImage encoding (its own copy). */
export function panoImageOfPff(pff: PffFrameBytes, meta: { file: string; moduleId: number; frameNumber: number }): Uint8Array {
  return encodeFramePanoImage({ index: meta.frameNumber, header: pffHeader(pff, meta.file), pixelBytes: pffPixelBytes(pff) }, { file: meta.file, moduleId: meta.moduleId, dataProduct: pff.dataProduct }).slice();
}

/** The frame's typed pixels (their own copy) and time. */
export function framePixelsOfPff(pff: PffFrameBytes, file: string): FramePixels {
  return framePixelsOf({ header: pffHeader(pff, file), pixels: pixelsFromBytes(pff.dataProduct, pffPixelBytes(pff)) }, pff.dataProduct);
}
