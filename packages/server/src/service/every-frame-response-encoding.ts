// The EveryFrameResponse of an every-frame message (field 5 of StreamImagesResponse), written
// around the images' already-encoded PanoImage bytes like the rest of the response: an image
// is encoded once for every client, and a batch of a thousand small events is one copy.
// Field order and defaults follow the generated code (a test compares the bytes).
import type { BroadcastImage } from '../broadcast/broadcast-image.js';
import type { FrameGap, GapReason } from '../broadcast/frame-ring.js';
import { concatBytes, fieldHead, lengthDelimited, varintLength, writeVarint } from './image-response-encoding.js';

const utf8 = new TextEncoder();

/** FrameGap.Reason numbers of the proto. */
export const GAP_REASON_NUMBER: Record<GapReason, number> = { 'ring-overrun': 1, 'node-restart': 2, 're-init': 3 };

/** tag + varint of a uint64 field (numbers up to 2^53), nothing for 0 (the proto3 default). */
function varintField(fieldNumber: number, value: number): Uint8Array {
  if (value === 0) return new Uint8Array(0);
  const tag = fieldNumber << 3;
  const out = new Uint8Array(varintLength(tag) + varintLength(value));
  writeVarint(out, writeVarint(out, 0, tag), value);
  return out;
}

function gapBytes(gap: FrameGap): Uint8Array {
  return concatBytes([varintField(1, gap.firstMissing), varintField(2, gap.count), varintField(3, GAP_REASON_NUMBER[gap.reason])]);
}

/**
 * Parts of an EveryFrameResponse: the first image's sequence (its PanoImage is the response's
 * pano_image), the incarnation, the rest of the images as the batch, and the gap record.
 */
export function everyFrameResponseParts(incarnationField: Uint8Array, images: readonly BroadcastImage[], gap: FrameGap | null): Uint8Array[] {
  const parts: Uint8Array[] = [];
  if (images.length > 0) parts.push(varintField(1, images[0]!.sequence));
  parts.push(incarnationField);
  for (let i = 1; i < images.length; i++) {
    const image = images[i]!;
    const seq = varintField(1, image.sequence);
    const pano = image.encoded();
    const pHead = fieldHead(2, pano.length);
    parts.push(fieldHead(3, seq.length + pHead.length + pano.length), seq, pHead, pano);
  }
  if (gap) parts.push(lengthDelimited(4, gapBytes(gap)));
  return parts;
}

/** Field 2 (node_incarnation) encoded once per node. */
export function incarnationField(incarnation: string): Uint8Array {
  return lengthDelimited(2, utf8.encode(incarnation));
}
