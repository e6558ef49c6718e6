// Images read back from JetStream: one ordered consumer per stream (previews, events), each
// starting with the newest message of every subject (deliver_policy last_per_subject) and then
// following live, or for the events stream from a given sequence. Ordered consumers recreate
// themselves after a NATS reconnect and resume after the last sequence seen. Shared by the
// gateway's DaqData service and the NATS viewer (fromNats).
import { AsyncQueue } from '@daqdata/client';
import { DATA_PRODUCTS, type ImageKind } from '@daqdata/core';
import { DeliverPolicy, jetstream, type JsMsg, type OrderedConsumerOptions } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { EVENT_PRODUCTS, EVENTS_STREAM, PREVIEW_PRODUCTS, PREVIEWS_STREAM } from './jetstream-streams.js';
import { HEADER, nodeOf } from './image-headers.js';
import { filterSubject, matchesFilter, parseImageSubject, type ImageFilter, type SubjectParts } from './subjects.js';

export interface NatsImage extends SubjectParts {
  kind: ImageKind;
  /** The node's address (Daq-Node header). */
  node: string;
  /** The node's own name (Daq-Node-Name header; '' when it sent none). */
  nodeName: string;
  /** The PanoImage's protobuf bytes. */
  bytes: Uint8Array;
  headers: MsgHdrs | undefined;
  stream: string;
  /** The message's sequence in its stream (resume the events stream after it). */
  streamSequence: number;
}

export interface NatsFeedOptions {
  filter?: ImageFilter;
  /** Movie previews (default true). */
  movie?: boolean;
  /** Pulse-height events (default true). */
  pulseHeight?: boolean;
  /** Read the events stream from this sequence on (every retained event), instead of the newest per subject. */
  eventsFromSequence?: number;
  /** Images held ahead of a slow reader (default 1024). */
  capacity?: number;
  signal: AbortSignal;
}

/** How long one pull waits on the server (ms); its heartbeats come at half of it. */
const PULL_EXPIRES_MS = 5_000;

function toImage(m: JsMsg, filter: ImageFilter): NatsImage | null {
  const parts = parseImageSubject(m.subject);
  const node = nodeOf(m.headers);
  if (!parts || !node || !matchesFilter(filter, parts)) return null;
  return { ...parts, kind: DATA_PRODUCTS[parts.product].kind, node, nodeName: m.headers?.get(HEADER.nodeName) ?? '', bytes: m.data, headers: m.headers, stream: m.info.stream, streamSequence: m.seq };
}

/** Images from NATS until the signal aborts; a failed consumer ends the iteration with its error. */
export async function* natsImages(nc: NatsConnection, options: NatsFeedOptions): AsyncGenerator<NatsImage> {
  const filter = options.filter ?? {};
  const js = jetstream(nc);
  const queue = new AsyncQueue<NatsImage>(options.capacity ?? 1024);
  const plans: Array<{ stream: string; consumer: Partial<OrderedConsumerOptions> }> = [];
  if (options.movie ?? true) {
    plans.push({ stream: PREVIEWS_STREAM, consumer: { filter_subjects: filterSubject(filter, PREVIEW_PRODUCTS), deliver_policy: DeliverPolicy.LastPerSubject } });
  }
  if (options.pulseHeight ?? true) {
    const from = options.eventsFromSequence;
    plans.push({
      stream: EVENTS_STREAM,
      consumer:
        from === undefined
          ? { filter_subjects: filterSubject(filter, EVENT_PRODUCTS), deliver_policy: DeliverPolicy.LastPerSubject }
          : { filter_subjects: filterSubject(filter, EVENT_PRODUCTS), deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from },
    });
  }
  const stops: Array<() => void> = [];
  const onAbort = () => {
    for (const stop of stops) stop();
    queue.end();
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  const pumps = plans.map(async ({ stream, consumer }) => {
    const c = await js.consumers.get(stream, consumer);
    // Pulls expire (and heartbeats are checked) every few seconds rather than the client's 30 s:
    // after NATS restarts, a consumer the server forgot is noticed and recreated that soon.
    const messages = await c.consume({ expires: PULL_EXPIRES_MS });
    stops.push(() => void messages.stop());
    if (options.signal.aborted) void messages.stop();
    for await (const m of messages) {
      const image = toImage(m, filter);
      if (image) await queue.push(image);
    }
  });
  // A pump that fails (the stream was deleted, NATS refused the consumer) ends the feed with its error.
  for (const p of pumps) p.catch((err: unknown) => queue.fail(err));
  if (options.signal.aborted) onAbort();
  try {
    yield* queue;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    for (const stop of stops) stop();
  }
}
