// One image on its way to clients. The PanoImage is built and encoded to protobuf bytes at
// most once, on first demand, however many clients receive it; an image that every client's
// latest-wins slot replaces before it is sent is never encoded at all.
import type { ImageKind } from '@daqdata/core';

export interface BroadcastImage {
  readonly moduleId: number;
  readonly kind: ImageKind;
  /** Where it came from, for logs: file name (or uploader) and frame number. */
  readonly file: string;
  readonly frameNumber: number;
  /** Clock reading (ms) when the node learnt of the image: for latency measurements. */
  readonly seenAt: number;
  /** The PanoImage's protobuf encoding (memoised). */
  encoded(): Uint8Array;
}

export function broadcastImage(
  meta: { moduleId: number; kind: ImageKind; file: string; frameNumber: number; seenAt: number },
  /** The PanoImage's protobuf bytes; called at most once. */
  encode: () => Uint8Array,
): BroadcastImage {
  let bytes: Uint8Array | undefined;
  return {
    ...meta,
    encoded: () => (bytes ??= encode()),
  };
}
