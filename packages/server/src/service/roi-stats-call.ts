// StreamRoiStats: the every-frame delivery (ring, interest, gap rules, resume, batching) with
// each frame turned into a compact record of its ROI stats instead of its image. The checks of
// a request (ROIs named and inside the image, bounded counts), and each batch as a response.
import { DeliveryOptions_Policy, MAX_ROIS, formatRoiProblem, roiSetProblem, type NamedRoi, type PsenRect, type RoiFrameRecord, type RoiRect, type StreamRoiStatsRequest, type StreamRoiStatsResponse } from '@daqdata/core';
import { ServerError, Status } from 'nice-grpc';
import type { StreamEnd } from '../broadcast/client-image-stream.js';
import type { EveryFrameStream } from '../broadcast/every-frame-stream.js';
import type { FrameRoiCache } from '../roi/frame-roi-cache.js';
import { openEveryFrameStream, type EveryFrameNode } from './every-frame-call.js';
import { GAP_REASON_NUMBER } from './every-frame-response-encoding.js';

function psenRect(r: RoiRect): PsenRect {
  return [r.offsetX, r.sizeX, r.offsetY, r.sizeY];
}

/** The request's ROIs, or INVALID_ARGUMENT naming the ROI and the rule. */
export function roisOfRequest(request: Pick<StreamRoiStatsRequest, 'rois'>): NamedRoi[] {
  // Counted before anything is built from them: a request may carry a message's worth of ROIs.
  if (request.rois.length > MAX_ROIS) throw new ServerError(Status.INVALID_ARGUMENT, `${request.rois.length} ROIs given; at most ${MAX_ROIS} are allowed`);
  const rois: NamedRoi[] = [];
  for (const r of request.rois) {
    if (!r.rect) throw new ServerError(Status.INVALID_ARGUMENT, `ROI ${JSON.stringify(r.name.slice(0, 64))}: rect is missing`);
    rois.push({ name: r.name, rect: psenRect(r.rect), background: r.background ? psenRect(r.background) : undefined });
  }
  const problem = roiSetProblem(rois);
  if (problem) throw new ServerError(Status.INVALID_ARGUMENT, formatRoiProblem(problem));
  return rois;
}

/** The every-frame stream a StreamRoiStats call reads (resume point and batch limit checked as every-frame's). */
export function openRoiStatsStream(node: EveryFrameNode, request: StreamRoiStatsRequest, intervalMs: number): EveryFrameStream {
  const selection = { movie: request.movie, pulseHeight: request.pulseHeight, moduleIds: new Set(request.moduleIds) };
  return openEveryFrameStream(node, { policy: DeliveryOptions_Policy.EVERY_FRAME, resume: request.resume, batchLimit: request.batchLimit, pffFrames: false }, selection, intervalMs, Number.MAX_SAFE_INTEGER);
}

/** The next response of a StreamRoiStats call, or why it ended. */
export async function nextRoiStatsResponse(
  node: EveryFrameNode & { nodeName: string },
  stream: EveryFrameStream,
  cache: FrameRoiCache,
  rois: readonly NamedRoi[],
): Promise<StreamRoiStatsResponse | StreamEnd> {
  const next = await stream.next();
  if ('reason' in next) return next;
  const records: RoiFrameRecord[] = next.images.map((image) => {
    const { facts, values } = cache.statsOf(image, rois);
    return { ...facts, nodeSequence: image.sequence, rois: values };
  });
  return {
    name: node.nodeName,
    nodeIncarnation: node.incarnation,
    records,
    gap: next.gap ? { firstMissingSequence: next.gap.firstMissing, count: next.gap.count, reason: GAP_REASON_NUMBER[next.gap.reason] } : undefined,
  };
}
