// An every-frame host stream as images: each response checked by the host's tracker (no
// duplicate, resume point kept), its gaps reported on the status stream and to the caller's
// callback, its images (pano_image, then the batch) with their sequence, yielded together in
// arrays of up to CHUNK: the fan-in carries each array as one queue entry (one promise round
// trip per array here, not per image; see merge-in-arrival-order.ts).
// Raw mode yields one single-image response per image, so that a consumer parsing elsewhere
// (the sync face's main thread) sees the same images, sequence included; it asks for
// PanoImages only. Parsed mode asks for frames read from files as the files hold them (PFF
// runs): core decodes them as it decodes a file, CHUNK frames of a run at a time.
import { PffError, decodeRunFrames, parsePanoImage, parsedImage, type ParsedImage, type StreamImagesResponse } from '@daqdata/core';
import type { EventHub } from '../status/event-hub.js';
import type { FrameGapEvent } from '../status/stream-event.js';
import { describeError } from './grpc-errors.js';
import type { EveryFrameTracker, RunFrameRef } from './every-frame-tracker.js';

/** A parsed image of an every-frame stream: the node's sequence number and incarnation with it. */
export type SequencedImage = ParsedImage & { sequence: number; incarnation: string };

/** One response of an every-frame stream as it came from a node, split to a single image (see the response field). */
export interface RawEveryFrameMessage {
  host: string;
  /** One image: pano_image, with every_frame.node_sequence and node_incarnation (batch empty, gap absent). */
  response: StreamImagesResponse;
}

/** The sequence and incarnation of a single-image every-frame response, if it is one. */
export function sequenceOf(response: StreamImagesResponse): { sequence: number; incarnation: string } | null {
  const ef = response.everyFrame;
  return ef ? { sequence: ef.nodeSequence, incarnation: ef.nodeIncarnation } : null;
}

/**
 * Images parsed and yielded together. A whole response at once (up to 1,024 images) cost more
 * than one image at a time (a network-free pipeline bench of ph256: ~28 us per image against ~23):
 * its parsed images all survive the young generation's next scavenge, which then copies them.
 * 64 keeps what is alive small and still takes the per-image promise round trips away (~18 us).
 */
const CHUNK = 64;

export async function* everyFrameImages(
  responses: AsyncIterable<StreamImagesResponse>,
  tracker: EveryFrameTracker,
  o: { host: string; parse: boolean; events: EventHub; onGap?: (gap: FrameGapEvent) => void },
): AsyncGenerator<Array<SequencedImage | RawEveryFrameMessage>> {
  const { host, events } = o;
  for await (const response of responses) {
    let tracked;
    try {
      tracked = tracker.accept(response);
    } catch (err) {
      events.emit({ type: 'invalid-image', host, at: new Date(), reason: describeError(err) });
      continue;
    }
    for (const reason of tracked.invalidRuns) events.emit({ type: 'invalid-image', host, at: new Date(), reason });
    for (const g of tracked.gaps) {
      const gap: FrameGapEvent = { type: 'gap', host, at: new Date(), ...g };
      events.emit(gap);
      o.onGap?.(gap);
    }
    let out: Array<SequencedImage | RawEveryFrameMessage> = [];
    const ctx = { host, ...(response.timestamp ? { serverTimestamp: response.timestamp } : {}) };
    for (const { sequence, incarnation, panoImage, pff } of tracked.images) {
      if (out.length === CHUNK) {
        yield out;
        out = [];
      }
      if (pff) {
        const image = runFrameImage(pff, ctx);
        if ('invalid' in image) events.emit({ type: 'invalid-image', host, at: new Date(), reason: image.invalid });
        else out.push(Object.assign(image, { sequence, incarnation }));
        continue;
      }
      if (!o.parse) {
        out.push({ host, response: { ...response, panoImage, everyFrame: { nodeSequence: sequence, nodeIncarnation: incarnation, batch: [], pffRuns: [] } } });
        continue;
      }
      try {
        out.push(Object.assign(parsePanoImage(panoImage, ctx), { sequence, incarnation }));
      } catch (err) {
        events.emit({ type: 'invalid-image', host, at: new Date(), reason: describeError(err) });
      }
    }
    if (out.length > 0) yield out;
  }
}

/** A frame of a PFF run as a typed image, or why it is not one (the frame's PffError: file and byte offset). */
function runFrameImage(ref: RunFrameRef, ctx: { host: string; serverTimestamp?: Date }): ParsedImage | { invalid: string } {
  const { received, index } = ref;
  const { run, layout } = received;
  const chunk = Math.floor(index / CHUNK);
  if (received.chunk?.index !== chunk) {
    const from = chunk * CHUNK;
    received.chunk = { index: chunk, frames: decodeRunFrames(run.frames, layout, from, Math.min(run.sequences.length, from + CHUNK), { file: run.file, firstFrameNumber: run.firstFrameNumber }) };
  }
  const frame = received.chunk.frames[index % CHUNK]!;
  if (frame instanceof PffError) return { invalid: frame.message };
  return parsedImage(layout.dataProduct, frame.pixels, frame.header as unknown as Record<string, unknown>, ref, ctx);
}
