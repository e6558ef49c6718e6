// Every message of the events stream (DAQDATA_EVENTS) from its first sequence, as the tests
// check it: the node's incarnation and sequence from the headers, the frame number, the
// payload. Waiting is on arrivals (each message wakes the waiters), bounded by a timeout that
// fails naming what was awaited and what had come.
import { connect } from '@nats-io/transport-node';
import { nodeSequenceOf } from '../../src/image-headers.js';
import { natsImages } from '../../src/nats-image-feed.js';
import { PanoImage } from '@daqdata/core';

export interface StoredEvent {
  node: string;
  incarnation: string;
  nodeSequence: number;
  frameNumber: number;
  bytes: Uint8Array;
  streamSequence: number;
}

export interface EventsReader {
  readonly events: readonly StoredEvent[];
  /** Resolves once `predicate` holds over the events read so far; rejects after `timeoutMs`. */
  until(what: string, predicate: (events: readonly StoredEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function readEvents(natsUrl: string, node: string): Promise<EventsReader> {
  const nc = await connect({ servers: natsUrl });
  const controller = new AbortController();
  const events: StoredEvent[] = [];
  let waiters: Array<() => void> = [];
  const pump = (async () => {
    for await (const m of natsImages(nc, { movie: false, eventsFromSequence: 1, filter: { nodes: [node] }, signal: controller.signal })) {
      const at = nodeSequenceOf(m.headers);
      if (!at) throw new Error(`event ${m.streamSequence} has no node incarnation and sequence in its headers`);
      events.push({ node: m.node, incarnation: at.incarnation, nodeSequence: at.sequence, frameNumber: PanoImage.decode(m.bytes).frameNumber, bytes: m.bytes, streamSequence: m.streamSequence });
      for (const w of waiters.splice(0)) w();
    }
  })();
  let failure: unknown = null;
  pump.catch((err: unknown) => {
    failure = err;
    for (const w of waiters.splice(0)) w();
  });
  return {
    events,
    async until(what, predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (failure) throw failure;
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`timed out waiting for ${what}: ${events.length} events read, frames ${events.at(0)?.frameNumber}..${events.at(-1)?.frameNumber}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
    },
    async close() {
      controller.abort();
      await pump.catch(() => undefined);
      waiters = [];
      await nc.close();
    },
  };
}

/** Chunk sizes of 1..`max` frames summing to `total`, from `seed` (a small LCG: a failing run is repeated by its seed). */
export function randomChunks(seed: number, total: number, max: number): number[] {
  const chunks: number[] = [];
  let state = seed >>> 0 || 1;
  for (let left = total; left > 0; ) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const n = Math.min(left, 1 + (state % max));
    chunks.push(n);
    left -= n;
  }
  return chunks;
}
