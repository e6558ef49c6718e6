// What the SDK tells the caller about hosts while streaming: never silent about a node
// dropping, retrying or giving up, nor about frames an every-frame stream could not deliver.
import type { ImageKind } from '@daqdata/core';

/**
 * Frames an every-frame stream will never deliver (issue 13). Reported by the node for a ring
 * overrun or a re-initialisation: `firstMissingSequence` .. + `count` - 1 in the node's
 * numbering, which counts every module and type it publishes, so for a stream selecting some
 * modules or types `count` is an upper bound on the frames of its selection lost (the node
 * does not keep which module and type an evicted frame was). Counted by the SDK after a node
 * restart, per module and type of the selection, exactly, from frame numbers (`count` null
 * when the frames continue in another file).
 */
export interface FrameGapEvent {
  type: 'gap';
  host: string;
  at: Date;
  reason: 'ring-overrun' | 're-init' | 'node-restart';
  count: number | null;
  firstMissingSequence?: number;
  moduleId?: number;
  kind?: ImageKind;
  file?: string;
  firstMissingFrame?: number | null;
}

export type StreamEvent =
  /** The host answered and its image stream is open. */
  | { type: 'connected'; host: string; at: Date }
  /** An open stream ended or failed; `reason` says how. */
  | { type: 'disconnected'; host: string; at: Date; reason: string }
  /** Retry number `attempt` starts after `delayMs`; `reason` is the last failure. */
  | { type: 'reconnecting'; host: string; at: Date; attempt: number; delayMs: number; reason: string }
  /** The host will not be retried (reconnect off, attempts used up, or a non-retryable error). */
  | { type: 'gone'; host: string; at: Date; reason: string }
  /** The host sent an image that does not parse; it was skipped, the stream goes on. */
  | { type: 'invalid-image'; host: string; at: Date; reason: string }
  /** An every-frame stream skipped frames: never silent. */
  | FrameGapEvent;

export type HostState = 'connected' | 'disconnected' | 'reconnecting' | 'gone';
