// The two JetStream streams the gateway keeps, created or updated at every start (idempotent:
// the same configuration twice changes nothing). Streams may not share subjects, so images are
// split by kind, each published once:
// - previews (movie products): only the newest message per subject, so a viewer that joins gets
//   every module's latest image at once;
// - events (pulse-height products): every event the gateway publishes, retained by age and
//   bytes, so a consumer can resume from a sequence after a disconnect. Its newest event per
//   subject is read with deliver_policy last_per_subject, as the previews are.
import { DATA_PRODUCTS, type DataProduct } from '@daqdata/core';
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { SUBJECT_ROOT } from './subjects.js';

export const PREVIEWS_STREAM = 'DAQDATA_PREVIEWS';
export const EVENTS_STREAM = 'DAQDATA_EVENTS';

const productsOf = (kind: 'movie' | 'pulse-height'): DataProduct[] =>
  Object.values(DATA_PRODUCTS)
    .filter((p) => p.kind === kind)
    .map((p) => p.name);
export const PREVIEW_PRODUCTS: readonly DataProduct[] = productsOf('movie');
export const EVENT_PRODUCTS: readonly DataProduct[] = productsOf('pulse-height');

export interface EventRetention {
  /** Events older than this are dropped (seconds, > 0). */
  maxAgeSeconds: number;
  /** The events stream holds at most this many bytes (oldest dropped first). */
  maxBytes: number;
}

export const DEFAULT_EVENT_RETENTION: Readonly<EventRetention> = { maxAgeSeconds: 3600, maxBytes: 1024 ** 3 };
/** Bounds on what a caller may ask for: a year, 1 TiB. */
export const MAX_EVENT_AGE_SECONDS = 365 * 86_400;
export const MAX_EVENT_BYTES = 1024 ** 4;

export function streamConfigs(retention: EventRetention): Array<Partial<StreamConfig> & { name: string; subjects: string[] }> {
  const subjects = (products: readonly DataProduct[]) => products.map((p) => `${SUBJECT_ROOT}.*.*.${p}`);
  return [
    {
      name: PREVIEWS_STREAM,
      description: 'daqdata: newest movie image per node, module and product',
      subjects: subjects(PREVIEW_PRODUCTS),
      max_msgs_per_subject: 1,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      storage: StorageType.File,
    },
    {
      name: EVENTS_STREAM,
      description: 'daqdata: pulse-height events, retained by age and bytes',
      subjects: subjects(EVENT_PRODUCTS),
      max_age: Math.round(retention.maxAgeSeconds * 1e9),
      // The server refuses a duplicates window longer than max_age (default window 2 min).
      duplicate_window: Math.min(120e9, Math.round(retention.maxAgeSeconds * 1e9)),
      max_bytes: retention.maxBytes,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      storage: StorageType.File,
    },
  ];
}

/** Why `retention` is unusable, naming the field and its bound; null when it is fine. */
export function retentionProblem(retention: EventRetention): string | null {
  const { maxAgeSeconds: age, maxBytes: bytes } = retention;
  if (!(Number.isFinite(age) && age > 0 && age <= MAX_EVENT_AGE_SECONDS)) return `event retention max age ${age} s is outside (0, ${MAX_EVENT_AGE_SECONDS}]`;
  if (!(Number.isInteger(bytes) && bytes > 0 && bytes <= MAX_EVENT_BYTES)) return `event retention max bytes ${bytes} is not an integer in [1, ${MAX_EVENT_BYTES}]`;
  return null;
}

/** The NATS server refused a stream or its limits; the message names the stream and the server's reason. */
export class StreamSetupError extends Error {
  override readonly name = 'StreamSetupError';
}

/** Creates each stream, or updates it to this configuration when it exists. */
export async function ensureStreams(jsm: JetStreamManager, retention: EventRetention): Promise<void> {
  const problem = retentionProblem(retention);
  if (problem) throw new StreamSetupError(problem);
  for (const config of streamConfigs(retention)) {
    const limits = `max_msgs_per_subject=${config.max_msgs_per_subject ?? 'unlimited'} max_age=${config.max_age ? `${config.max_age / 1e9}s` : 'unlimited'} max_bytes=${config.max_bytes ?? 'unlimited'}`;
    try {
      const exists = await jsm.streams.info(config.name).then(
        () => true,
        (err: Error) => {
          if (/stream not found/i.test(err.message)) return false;
          throw err;
        },
      );
      if (exists) await jsm.streams.update(config.name, config);
      else await jsm.streams.add(config);
    } catch (err) {
      throw new StreamSetupError(`NATS refused JetStream stream ${config.name} (${limits}): ${(err as Error).message}`);
    }
  }
}
