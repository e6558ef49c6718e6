// One host's every-frame position, across reconnects and node restarts: the resume point the
// next request carries (the node's incarnation and the last sequence delivered), and the check
// of each response against it, so that the caller never sees a frame twice and never loses one
// silently.
// - Within one incarnation the node numbers every frame: a sequence at or below the last one
//   delivered is a duplicate and dropped; the node's gap records (ring overrun, re-init) are
//   passed on as they are.
// - A new incarnation (the node restarted) starts a new numbering, and the node cannot know
//   what its predecessor published. The frames themselves can: per module and type the last
//   frame delivered (file, frame number) is kept, and the first frame of each after the restart
//   is compared with it. The same file and a frame number at or below the last one: a frame
//   the caller already has (dropped); above the next one: exactly that many frames were lost,
//   reported once. Another file: the loss cannot be counted from here (count null).
// The same tracker serves StreamRoiStats (its records carry the same sequence, module, type,
// file and frame number as an image): acceptItems is the mechanism, accept its image face.
// Frames that came as their PFF bytes (DeliveryOptions.pff_frames) are tracked as images are:
// each frame of a run is identified by the run's file and module and its own frame number.
import { DeliveryOptions_Policy, FrameGap_Reason, PanoImage_Type, PffError, frameRunLayout, type FrameGap, type FrameLayout, type RunFrame, type PanoImage, type PffFrameRun, type StreamImagesRequest, type StreamImagesResponse } from '@daqdata/core';
import type { FrameGapEvent } from '../status/stream-event.js';

/** A PffFrameRun as received, with its frames' layout (from its file's data product). */
export interface ReceivedRun {
  run: PffFrameRun;
  layout: FrameLayout;
  /** Frames decoded together (see every-frame-images.ts), the last chunk asked for. */
  chunk?: { index: number; frames: Array<RunFrame | PffError> };
}

/** Frame `index` of a received run, identified as a PanoImage is. */
export interface RunFrameRef extends FrameIdentity {
  received: ReceivedRun;
  index: number;
}

/** An image of an every-frame response: a PanoImage, or a frame of a PFF run. */
export type SequencedPano = { sequence: number; incarnation: string } & ({ panoImage: PanoImage; pff?: undefined } | { pff: RunFrameRef; panoImage?: undefined });

/** What identifies a frame to the tracker: a PanoImage, or a ROI record. */
export interface FrameIdentity {
  moduleId: number;
  type: PanoImage_Type;
  file: string;
  frameNumber: number;
}

export interface TrackedItems<T> {
  items: Array<{ sequence: number; incarnation: string; item: T }>;
  gaps: Array<Omit<FrameGapEvent, 'type' | 'host' | 'at'>>;
}

export interface TrackedResponse {
  images: SequencedPano[];
  gaps: Array<Omit<FrameGapEvent, 'type' | 'host' | 'at'>>;
  /** PFF runs that are not frames of their file's data product (left out whole, so a run's size never costs a frame each): why. */
  invalidRuns: string[];
}

const REASONS: Partial<Record<FrameGap_Reason, FrameGapEvent['reason']>> = {
  [FrameGap_Reason.RING_OVERRUN]: 'ring-overrun',
  [FrameGap_Reason.RE_INIT]: 're-init',
  [FrameGap_Reason.NODE_RESTART]: 'node-restart',
};

export class EveryFrameTracker {
  #incarnation: string | null = null;
  #lastSequence = 0;
  /** Per module and type, the last frame delivered. */
  readonly #lastFrame = new Map<string, { file: string; frameNumber: number }>();
  /** Module and type keys whose first frame since a node restart has not arrived yet. */
  #sinceRestart: Set<string> | null = null;

  /** `from`: start after this point instead of with the oldest frame the node holds; `pffFrames`: ask for frames read from files as the files hold them. */
  constructor(
    private readonly batchLimit: number,
    from?: { incarnation: string; afterSequence: number },
    private readonly pffFrames = false,
  ) {
    if (from) {
      this.#incarnation = from.incarnation;
      this.#lastSequence = from.afterSequence;
    }
  }

  /** The request for the next (re)connect: after the last frame delivered, if any. */
  request(base: StreamImagesRequest): StreamImagesRequest {
    const resume = this.#incarnation === null ? undefined : { nodeIncarnation: this.#incarnation, afterSequence: this.#lastSequence };
    return { ...base, delivery: { policy: DeliveryOptions_Policy.EVERY_FRAME, batchLimit: this.batchLimit, resume, pffFrames: this.pffFrames } };
  }

  get resumePoint(): { incarnation: string; afterSequence: number } | null {
    return this.#incarnation === null ? null : { incarnation: this.#incarnation, afterSequence: this.#lastSequence };
  }

  /** The images to deliver (duplicates dropped) and the gaps to report; throws if the node does not deliver every frame. */
  accept(response: StreamImagesResponse): TrackedResponse {
    const ef = response.everyFrame;
    if (!ef) throw new Error('the node answered without every_frame: it does not support every-frame delivery');
    const panos: Array<{ sequence: number; item: PanoImage | RunFrameRef }> = [];
    if (response.panoImage) panos.push({ sequence: ef.nodeSequence, item: response.panoImage });
    for (const b of ef.batch) if (b.panoImage) panos.push({ sequence: b.sequence, item: b.panoImage });
    const invalidRuns: string[] = [];
    const tracked = this.acceptItems(ef.nodeIncarnation, ef.gap, ef.pffRuns.length === 0 ? panos : inSequenceOrder(panos, runFrames(ef.pffRuns, invalidRuns)));
    return {
      images: tracked.items.map(({ sequence, incarnation, item }): SequencedPano => ('received' in item ? { sequence, incarnation, pff: item } : { sequence, incarnation, panoImage: item })),
      gaps: tracked.gaps,
      invalidRuns,
    };
  }

  /** The items of one response to deliver (duplicates dropped), in sequence order, and the gaps to report. */
  acceptItems<T extends FrameIdentity>(incarnation: string, gap: FrameGap | undefined, sequenced: ReadonlyArray<{ sequence: number; item: T }>): TrackedItems<T> {
    const out: TrackedItems<T> = { items: [], gaps: [] };
    if (this.#incarnation !== incarnation) {
      // A first connection, or a restarted node: its numbering starts afresh.
      if (this.#incarnation !== null) this.#sinceRestart = new Set(this.#lastFrame.keys());
      this.#incarnation = incarnation;
      this.#lastSequence = 0;
    }
    if (gap && gap.reason !== FrameGap_Reason.NODE_RESTART) {
      out.gaps.push({ reason: REASONS[gap.reason] ?? 'ring-overrun', firstMissingSequence: gap.firstMissingSequence, count: gap.count });
    }
    for (const { sequence, item } of sequenced) {
      if (sequence <= this.#lastSequence) continue;
      this.#lastSequence = sequence;
      if (this.#deliverable(item, out)) out.items.push({ sequence, incarnation, item });
    }
    return out;
  }

  /** Compares a frame with the last of its module and type after a restart; records it. */
  #deliverable(p: FrameIdentity, out: Pick<TrackedItems<unknown>, 'gaps'>): boolean {
    const key = `${p.moduleId}:${p.type}`;
    const last = this.#lastFrame.get(key);
    if (last && this.#sinceRestart?.has(key)) {
      const kind = p.type === PanoImage_Type.MOVIE ? 'movie' : 'pulse-height';
      if (p.file === last.file) {
        if (p.frameNumber <= last.frameNumber) return false; // the caller has it; the next one is compared again
        const lost = p.frameNumber - last.frameNumber - 1;
        if (lost > 0) out.gaps.push({ reason: 'node-restart', count: lost, moduleId: p.moduleId, kind, file: p.file, firstMissingFrame: last.frameNumber + 1 });
      } else {
        out.gaps.push({ reason: 'node-restart', count: null, moduleId: p.moduleId, kind, file: p.file, firstMissingFrame: null });
      }
      this.#sinceRestart.delete(key);
    }
    this.#lastFrame.set(key, { file: p.file, frameNumber: p.frameNumber });
    return true;
  }
}

/**
 * Every frame of the runs, with its sequence, in the order received. A run whose bytes are not
 * frames of its file's data product is left out whole, its reason in `invalid`: its count of
 * sequences is the node's word alone (a message of millions of them and no frames would
 * otherwise cost an object each).
 */
function runFrames(runs: readonly PffFrameRun[], invalid: string[]): Array<{ sequence: number; item: RunFrameRef }> {
  const out: Array<{ sequence: number; item: RunFrameRef }> = [];
  for (const run of runs) {
    const layout = frameRunLayout(run.file, run.frames, run.sequences.length);
    if (layout instanceof PffError) {
      invalid.push(`${run.sequences.length} frame(s) from sequence ${run.sequences[0] ?? '?'}: ${layout.message}`);
      continue;
    }
    const received: ReceivedRun = { run, layout };
    const type = layout.dataProduct.kind === 'movie' ? PanoImage_Type.MOVIE : PanoImage_Type.PULSE_HEIGHT;
    run.sequences.forEach((sequence, index) => {
      out.push({ sequence, item: { received, index, moduleId: run.moduleId, type, file: run.file, frameNumber: run.firstFrameNumber + index } });
    });
  }
  return out;
}

/** Two lists, each in sequence order (as a node writes them), merged into one. */
function inSequenceOrder<A, B>(a: ReadonlyArray<{ sequence: number; item: A }>, b: ReadonlyArray<{ sequence: number; item: B }>): Array<{ sequence: number; item: A | B }> {
  const out: Array<{ sequence: number; item: A | B }> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j === b.length || (i < a.length && a[i]!.sequence < b[j]!.sequence)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}
