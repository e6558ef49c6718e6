// Fan-in: one pump per source pushes into a shared bounded queue, so items come out in the
// order they arrived, whichever source they came from, and a silent or failing source never
// holds the others up. Stopping the consumer (break, return, or the signal) aborts every
// source and waits for them to finish, so no RPC outlives the loop.
// Abort means "stop at once" (as a nice-grpc call stops at once): once the signal has aborted,
// no further item is yielded, not even one already buffered, and the iteration ends normally
// (no AbortError to catch). Code after the loop may rely on every RPC being finished.
import { AsyncQueue } from './async-queue.js';
import { HostGoneError } from './host-image-stream.js';

export interface MergeOptions {
  /** Items buffered ahead of a slow consumer before the sources are slowed down. */
  capacity: number;
  /** End when every source has ended for good (true), or keep waiting until the signal aborts. */
  endWhenAllGone: boolean;
  signal?: AbortSignal | undefined;
}

/** Thrown by the merged stream when every host rejected the request (nothing to retry). */
export class AllHostsFailedError extends AggregateError {
  override readonly name = 'AllHostsFailedError';
}

export async function* mergeInArrivalOrder<T>(
  sources: ReadonlyArray<(signal: AbortSignal) => AsyncIterable<T>>,
  o: MergeOptions,
): AsyncGenerator<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (o.signal?.aborted) return;
  o.signal?.addEventListener('abort', stop, { once: true });
  const queue = new AsyncQueue<T>(o.capacity);
  controller.signal.addEventListener('abort', () => queue.end(), { once: true });
  const failures: unknown[] = [];
  const pumps = sources.map(async (source) => {
    try {
      for await (const item of source(controller.signal)) {
        await queue.push(item);
        if (queue.ended) return;
      }
    } catch (err) {
      if (!controller.signal.aborted) failures.push(err);
    }
  });
  void Promise.all(pumps).then(() => {
    if (controller.signal.aborted) return;
    const unexpected = failures.filter((f) => !(f instanceof HostGoneError));
    const rejected = failures.filter((f) => f instanceof HostGoneError && f.permanent);
    const messages = (errors: unknown[]) => errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
    if (unexpected.length > 0) {
      queue.fail(new AggregateError(unexpected, `host streams failed: ${messages(unexpected)}`));
    } else if (sources.length > 0 && rejected.length === sources.length) {
      queue.fail(new AllHostsFailedError(rejected, `every host rejected the stream: ${messages(rejected)}`));
    } else if (o.endWhenAllGone) {
      queue.end();
    }
    // else: keep the consumer waiting until it stops or the signal aborts (ends the queue).
  });
  try {
    for await (const item of queue) {
      // Checked after every resumption: the consumer may have aborted while holding the last item.
      if (controller.signal.aborted) return;
      yield item;
    }
  } finally {
    controller.abort();
    o.signal?.removeEventListener('abort', stop);
    await Promise.allSettled(pumps);
  }
}
