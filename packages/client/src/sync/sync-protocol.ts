// Messages between the sync face (main thread, blocked in Atomics.wait) and the worker that
// runs the async DaqClient. Everything here survives structured clone (no functions, no
// AbortSignals); Errors travel as name, message and their own fields so the main thread can
// rethrow the same kind of error.

export type SyncCallMethod =
  | 'ping'
  | 'probe'
  | 'getValidDaqHosts'
  | 'getDaqHostStatus'
  | 'reflectServices'
  | 'initHpIo'
  | 'initSim'
  | 'uploadImages'
  | 'hostStates'
  | 'takeStatusEvents'
  | 'openCalls'
  | 'roiStatistics';

export type SyncRequest =
  | { op: 'call'; method: SyncCallMethod; args: unknown[] }
  /** `kind`: which of the client's streams (streamImages as raw messages, or roiStats' records). */
  | { op: 'streamOpen'; streamId: number; kind: 'images' | 'roiStats'; options: Record<string, unknown> }
  | { op: 'streamNext'; streamId: number }
  | { op: 'streamClose'; streamId: number }
  | { op: 'close' };

export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

export type SyncReply = { ok: true; value: unknown } | { ok: false; error: SerializedError };

/** Index in the shared Int32Array the worker sets to 1 (and notifies) when a reply is posted. */
export const REPLY_FLAG = 0;

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) {
    try {
      structuredClone(v);
      fields[k] = v;
    } catch {
      // not clonable: the message still says what happened
    }
  }
  return { name: err.name, message: err.message, fields };
}
