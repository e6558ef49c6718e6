// One image on its way to clients. The PanoImage is built and encoded to protobuf bytes at
// most once, on first demand, however many clients receive it; an image that every client's
// latest-wins slot replaces before it is sent is never encoded at all. Once encoded, the frame
// it came from is let go (the encoder closure is dropped), so an image held in the node's ring
// costs its bytes, not its frame as well.
import type { ImageKind } from '@daqdata/core';

export interface BroadcastImage {
  readonly moduleId: number;
  readonly kind: ImageKind;
  /** Where it came from, for logs: file name (or uploader) and frame number. */
  readonly file: string;
  readonly frameNumber: number;
  /** Clock reading (ms) when the node learnt of the image: for latency measurements. */
  readonly seenAt: number;
  /** The node's sequence number, set by the hub when it publishes the image (0 before). */
  sequence: number;
  /** The PanoImage's protobuf encoding (memoised). */
  encoded(): Uint8Array;
}

/** An image on its way to clients, encoded at most once and only on demand. */
export function broadcastImage(
  meta: { moduleId: number; kind: ImageKind; file: string; frameNumber: number; seenAt: number },
  /** The PanoImage's protobuf bytes; called at most once. */
  encode: () => Uint8Array,
): BroadcastImage {
  let bytes: Uint8Array | undefined;
  let encoder: (() => Uint8Array) | undefined = encode;
  return {
    ...meta,
    sequence: 0,
    encoded: () => {
      if (!bytes) {
        bytes = encoder!();
        encoder = undefined;
      }
      return bytes;
    },
  };
}
