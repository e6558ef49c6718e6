// Fan-in: one pump per source pushes into a shared bounded queue, so items come out in the
// order they arrived, whichever source they came from, and a silent or failing source never
// holds the others up. Stopping the consumer (break, return, or the signal) aborts every
// source and waits for them to finish, so no RPC outlives the loop.
// Abort means "stop at once" (as a nice-grpc call stops at once): once the signal has aborted,
// no further item is yielded, not even one already buffered, and the iteration ends normally
// (no AbortError to catch). Code after the loop may rely on every RPC being finished.
// A source may give its items in batches (mergeBatchesInArrivalOrder: an every-frame response's
// images): a batch goes through the queue as one entry, so each item costs one promise round
// trip (the consumer's next()), not one per generator and queue it passes. The queue's
// capacity counts items, not batches (BatchQueue): a source waits while `capacity` items or more
// are queued, so at most capacity - 1 + one batch per source wait in the queue, besides the
// batch the consumer is taking items from.
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

type Source<S> = (signal: AbortSignal) => AsyncIterable<S>;

/** The items of every source, in the order they arrived. */
export function mergeInArrivalOrder<T>(sources: ReadonlyArray<Source<T>>, o: MergeOptions): AsyncGenerator<T> {
  return merge(() => sources, o, (item: T) => [item]);
}

/**
 * The items of every source's batches, in the order the batches arrived, one item per next().
 * `sources` may be a function (async or not) that gives them: it is called at the first next(),
 * so that a caller can return this generator as its own without a generator of its own around it
 * (another promise round trip per item) and still fail only when iterated.
 */
export function mergeBatchesInArrivalOrder<T>(
  sources: ReadonlyArray<Source<readonly T[]>> | (() => ReadonlyArray<Source<readonly T[]>> | Promise<ReadonlyArray<Source<readonly T[]>>>),
  o: MergeOptions,
): AsyncGenerator<T> {
  return merge(typeof sources === 'function' ? sources : () => sources, o, (batch: readonly T[]) => batch);
}

async function* merge<S, T>(
  openSources: () => ReadonlyArray<Source<S>> | Promise<ReadonlyArray<Source<S>>>,
  o: MergeOptions,
  batchOf: (s: S) => readonly T[],
): AsyncGenerator<T> {
  const sources = await openSources();
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (o.signal?.aborted) return;
  o.signal?.addEventListener('abort', stop, { once: true });
  const queue = new BatchQueue<T>(o.capacity);
  controller.signal.addEventListener('abort', () => queue.end(), { once: true });
  const failures: unknown[] = [];
  const pumps = sources.map(async (source) => {
    try {
      for await (const s of source(controller.signal)) {
        const batch = batchOf(s);
        if (batch.length === 0) continue;
        await queue.push(batch);
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
    for (;;) {
      const next = queue.take();
      const batch = next instanceof Promise ? await next : next;
      if (batch === null) return;
      for (let i = 0; i < batch.length; i++) {
        // Checked after every resumption: the consumer may have aborted while holding the last item.
        if (controller.signal.aborted) return;
        yield batch[i]!;
      }
    }
  } finally {
    controller.abort();
    queue.close();
    o.signal?.removeEventListener('abort', stop);
    await Promise.allSettled(pumps);
  }
}

/**
 * The merge's queue: batches in arrival order, bounded by the items they hold. push() resolves
 * once fewer than `capacity` items are queued; take() gives the next batch at once when there is
 * one (no promise), else a promise of it; null once the queue has ended and is drained.
 */
class BatchQueue<T> {
  readonly #batches: Array<readonly T[]> = [];
  /** Items in the queued batches. */
  #items = 0;
  readonly #spaceWaiters: Array<() => void> = [];
  #takeWaiter: (() => void) | undefined;
  #ended = false;
  #error: { error: unknown } | undefined;

  constructor(readonly capacity: number) {}

  get ended(): boolean {
    return this.#ended;
  }

  /** Adds a batch; resolves once the queue holds fewer than `capacity` items. Ignored after end(). */
  push(batch: readonly T[]): Promise<void> {
    if (this.#ended) return Promise.resolve();
    this.#batches.push(batch);
    this.#items += batch.length;
    const w = this.#takeWaiter;
    this.#takeWaiter = undefined;
    w?.();
    if (this.#items < this.capacity) return Promise.resolve();
    return new Promise((resolve) => this.#spaceWaiters.push(resolve));
  }

  /** The next batch (null: ended and drained; throws the failure after the queued batches). */
  take(): readonly T[] | null | Promise<readonly T[] | null> {
    const batch = this.#batches.shift();
    if (batch) {
      this.#items -= batch.length;
      // Every waiting producer whose push the queue now has room for goes on.
      while (this.#items < this.capacity && this.#spaceWaiters.length > 0) this.#spaceWaiters.shift()!();
      return batch;
    }
    if (this.#ended) {
      if (this.#error) throw this.#error.error;
      return null;
    }
    return new Promise<void>((resolve) => (this.#takeWaiter = resolve)).then(() => this.take());
  }

  /** No more batches: the consumer drains what is queued, then finishes. */
  end(): void {
    this.#ended = true;
    const w = this.#takeWaiter;
    this.#takeWaiter = undefined;
    w?.();
    this.#releaseProducers();
  }

  /** The consumer throws `error` after the queued batches. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#error = { error };
    this.end();
  }

  /** The consumer left: nothing will be taken any more, so no producer may wait for room. */
  close(): void {
    this.#ended = true;
    this.#batches.length = 0;
    this.#items = 0;
    this.#releaseProducers();
  }

  #releaseProducers(): void {
    for (const w of this.#spaceWaiters.splice(0)) w();
  }
}
