// A bounded queue between producers (one pump per host) and one async consumer. push() resolves
// when there is room again, so a slow consumer slows the pumps instead of growing memory.

/** A bounded queue between producers and one async consumer: push() waits for room, so a slow consumer slows its producers. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #spaceWaiters: Array<() => void> = [];
  #itemWaiter: (() => void) | undefined;
  #ended = false;
  #error: { error: unknown } | undefined;

  constructor(readonly capacity: number) {}

  get ended(): boolean {
    return this.#ended;
  }

  /** Adds an item; resolves once the queue is below capacity (at once if it is). Ignored after end(). */
  push(item: T): Promise<void> {
    if (this.#ended) return Promise.resolve();
    this.#items.push(item);
    this.#wake();
    if (this.#items.length < this.capacity) return Promise.resolve();
    return new Promise((resolve) => this.#spaceWaiters.push(resolve));
  }

  /** No more items: the consumer drains what is queued, then finishes. */
  end(): void {
    this.#ended = true;
    this.#wake();
    this.#releaseProducers();
  }

  /** The consumer throws `error` after the queued items. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#error = { error };
    this.end();
  }

  #wake(): void {
    const w = this.#itemWaiter;
    this.#itemWaiter = undefined;
    w?.();
  }

  #releaseProducers(): void {
    for (const w of this.#spaceWaiters.splice(0)) w();
  }

  /** The items in order, until the queue ends (or fails). */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      while (true) {
        if (this.#items.length > 0) {
          const item = this.#items.shift()!;
          if (this.#items.length < this.capacity) this.#spaceWaiters.shift()?.();
          yield item;
          continue;
        }
        if (this.#ended) {
          if (this.#error) throw this.#error.error;
          return;
        }
        await new Promise<void>((resolve) => (this.#itemWaiter = resolve));
      }
    } finally {
      // The consumer left: nothing will be taken any more, so no producer may wait for room.
      this.#ended = true;
      this.#items.length = 0;
      this.#releaseProducers();
    }
  }
}
