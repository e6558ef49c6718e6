// The EVERY_FRAME side of StreamImages: where a stream starts (resume point, or the oldest
// frame held), the bounds on what the request may ask, and each batch as the response the wire
// serializer writes. The LATEST side is ClientImageStream; DaqNode picks one per call.
import { type DeliveryOptions } from '@daqdata/core';
import { ServerError, Status } from 'nice-grpc';
import type { ImageSelection, StreamEnd } from '../broadcast/client-image-stream.js';
import type { Clock } from '../broadcast/clock.js';
import { EveryFrameStream } from '../broadcast/every-frame-stream.js';
import type { FrameGap, FrameRing } from '../broadcast/frame-ring.js';
import { encodeEveryFrameResponse } from './every-frame-response-encoding.js';

/** Images per response when the request leaves batch_limit 0. */
export const DEFAULT_BATCH_LIMIT = 1_024;
export const MAX_BATCH_LIMIT = 65_536;
/**
 * Encoded image bytes per response (the first image always goes). Small enough that a
 * response's buffers (ours, then grpc-js's framed copy) come from memory the allocator reuses:
 * 3 MiB responses were fresh memory mappings each, and their page faults and copies took 40 %
 * of a node's CPU sending every img16 frame (8.3 s of node CPU for 160,000 frames at 256 KiB
 * against 14.2 s at 3 MiB, in one profile each).
 */
export const MAX_BATCH_BYTES = 256 * 1024;

export interface EveryFrameNode {
  incarnation: string;
  incarnationField: Uint8Array;
  nameField: Uint8Array;
  ring: FrameRing;
  clock: Clock;
}

/** Where a stream starts and what it says first; throws INVALID_ARGUMENT for a resume point this node never gave. */
function startOf(node: EveryFrameNode, delivery: DeliveryOptions): { from: number; gap: FrameGap | null } {
  const resume = delivery.resume;
  if (!resume) return { from: node.ring.oldestHeld, gap: null };
  const after = resume.afterSequence;
  if (resume.nodeIncarnation !== node.incarnation) {
    // Another incarnation's numbering: what was lost between is not the node's to count.
    return { from: node.ring.oldestHeld, gap: { firstMissing: after + 1, count: 0, reason: 'node-restart' } };
  }
  if (after > node.ring.newestSequence) {
    throw new ServerError(Status.INVALID_ARGUMENT, `delivery.resume.after_sequence ${after} is beyond this node's newest sequence ${node.ring.newestSequence}`);
  }
  return { from: after + 1, gap: null };
}

export function openEveryFrameStream(
  node: EveryFrameNode,
  delivery: DeliveryOptions,
  selection: ImageSelection,
  intervalMs: number,
  /** Bound on the encoded images a batch reads (an ROI stats stream sends records, not images: no bound). */
  maxBatchBytes = MAX_BATCH_BYTES,
): EveryFrameStream {
  const limit = delivery.batchLimit;
  if (limit > MAX_BATCH_LIMIT) throw new ServerError(Status.INVALID_ARGUMENT, `delivery.batch_limit ${limit} is above the maximum of ${MAX_BATCH_LIMIT}`);
  const { from, gap } = startOf(node, delivery);
  return new EveryFrameStream({
    selection,
    ring: node.ring,
    from,
    initialGap: gap,
    batchLimit: limit || DEFAULT_BATCH_LIMIT,
    maxBatchBytes,
    intervalMs,
    clock: node.clock,
    pffFrames: delivery.pffFrames,
  });
}

/**
 * The next response of an every-frame stream as its wire bytes, or why it ended. Encoded here,
 * in the event-loop turn the batch was read from the ring in: a response object holding views
 * into the ring's slabs could wait in the transport's write queue past the turn a slab is
 * reused in (frame-slabs.ts).
 */
export async function nextEveryFrameResponse(node: EveryFrameNode, stream: EveryFrameStream): Promise<Uint8Array | StreamEnd> {
  const next = await stream.next();
  if ('reason' in next) return next;
  return encodeEveryFrameResponse(node.nameField, next.sentAt, node.incarnationField, next.images, next.gap, stream.pffFrames);
}
