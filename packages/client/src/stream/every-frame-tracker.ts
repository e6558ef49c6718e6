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
import { DeliveryOptions_Policy, FrameGap_Reason, PanoImage_Type, type FrameGap, type PanoImage, type StreamImagesRequest, type StreamImagesResponse } from '@daqdata/core';
import type { FrameGapEvent } from '../status/stream-event.js';

export interface SequencedPano {
  sequence: number;
  incarnation: string;
  panoImage: PanoImage;
}

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

  /** `from`: start after this point instead of with the oldest frame the node holds. */
  constructor(
    private readonly batchLimit: number,
    from?: { incarnation: string; afterSequence: number },
  ) {
    if (from) {
      this.#incarnation = from.incarnation;
      this.#lastSequence = from.afterSequence;
    }
  }

  /** The request for the next (re)connect: after the last frame delivered, if any. */
  request(base: StreamImagesRequest): StreamImagesRequest {
    const resume = this.#incarnation === null ? undefined : { nodeIncarnation: this.#incarnation, afterSequence: this.#lastSequence };
    return { ...base, delivery: { policy: DeliveryOptions_Policy.EVERY_FRAME, batchLimit: this.batchLimit, resume } };
  }

  get resumePoint(): { incarnation: string; afterSequence: number } | null {
    return this.#incarnation === null ? null : { incarnation: this.#incarnation, afterSequence: this.#lastSequence };
  }

  /** The images to deliver (duplicates dropped) and the gaps to report; throws if the node does not deliver every frame. */
  accept(response: StreamImagesResponse): TrackedResponse {
    const ef = response.everyFrame;
    if (!ef) throw new Error('the node answered without every_frame: it does not support every-frame delivery');
    const sequenced: Array<[number, PanoImage | undefined]> = [[ef.nodeSequence, response.panoImage], ...ef.batch.map((b): [number, PanoImage | undefined] => [b.sequence, b.panoImage])];
    const tracked = this.acceptItems(
      ef.nodeIncarnation,
      ef.gap,
      sequenced.flatMap(([sequence, item]) => (item ? [{ sequence, item }] : [])),
    );
    return { images: tracked.items.map(({ sequence, incarnation, item }) => ({ sequence, incarnation, panoImage: item })), gaps: tracked.gaps };
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
