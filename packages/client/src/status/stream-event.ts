// What the SDK tells the caller about hosts while streaming: never silent about a node
// dropping, retrying or giving up.

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
  | { type: 'invalid-image'; host: string; at: Date; reason: string };

export type HostState = 'connected' | 'disconnected' | 'reconnecting' | 'gone';
