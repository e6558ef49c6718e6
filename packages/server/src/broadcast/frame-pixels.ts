// A frame's typed pixels and time as a BroadcastImage keeps them for what the node computes
// from frames (ROI stats): taken from the frame as read (a file, a recorder socket) or from an
// uploaded PanoImage while an ROI client wants them; decoded from the image's encoding only for
// a frame published before (framePixelsFromEncoding).
import { DATA_PRODUCTS, PanoImage, arrivalUnixNs, checkHeaderFields, parsePanoImage, timingPacket, whiteRabbitTime, type DataProductInfo, type Pixels } from '@daqdata/core';
import type { FramePixels } from './broadcast-image.js';

/** Pixels that own their buffer: a view of a larger block (frames read in a batch share one) is copied, so holding it holds only its bytes. */
export function ownPixels(pixels: Pixels): Pixels {
  return pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? pixels : pixels.slice();
}

/** The frame time of a header: WR when synchronised, else the arrival clock; null when the header lacks this product's timing fields. */
export function headerTime(header: unknown, dp: DataProductInfo): FramePixels['time'] {
  const checked = checkHeaderFields(header, dp);
  if ('problem' in checked) return null;
  const packet = timingPacket(checked.header);
  const wr = whiteRabbitTime(packet);
  return wr.synchronised ? { unixNs: wr.unixNs, wrSynchronised: true } : { unixNs: arrivalUnixNs(packet), wrSynchronised: false };
}

/** A frame's pixels (copied when they are a view of a shared block) with its shape and time. */
export function framePixelsOf(frame: { header: unknown; pixels: Pixels }, dp: DataProductInfo): FramePixels {
  return { pixels: ownPixels(frame.pixels), rows: dp.rows, cols: dp.cols, time: headerTime(frame.header, dp) };
}

/**
 * A frame's pixels and time decoded from its PanoImage encoding: for a frame whose pixels were
 * not kept (no ROI reader wanted them when it was published), read by an ROI reader later.
 * Timed by headerTime, as a frame read from a file is.
 */
export function framePixelsFromEncoding(bytes: Uint8Array): FramePixels {
  const image = parsePanoImage(PanoImage.decode(bytes), { host: '' });
  return { pixels: image.pixels, rows: image.shape[0], cols: image.shape[1], time: headerTime(image.header, DATA_PRODUCTS[image.dataProduct]) };
}
