// Fans StreamEvents out to callbacks, async iterators and RxJS subscribers: one source, so the
// three faces always see the same events.
import { Observable } from 'rxjs';
import { AsyncQueue } from '../stream/async-queue.js';
import type { HostState, StreamEvent } from './stream-event.js';

interface Subscription {
  next(e: StreamEvent): void;
  complete(): void;
}

/** One source of StreamEvents for callbacks, async iterators and observables; remembers each host's last state. */
export class EventHub {
  readonly #subscriptions = new Set<Subscription>();
  readonly #states = new Map<string, HostState>();
  #closed = false;

  /** Hands `event` to every subscriber (and records the host's state, except for image problems and gaps). */
  emit(event: StreamEvent): void {
    if (event.type !== 'invalid-image' && event.type !== 'gap') this.#states.set(event.host, event.type);
    for (const s of [...this.#subscriptions]) s.next(event);
  }

  #subscribe(s: Subscription): () => void {
    if (this.#closed) {
      s.complete();
      return () => {};
    }
    this.#subscriptions.add(s);
    return () => this.#subscriptions.delete(s);
  }

  /** Calls `listener` for every event; returns the function that stops it. */
  on(listener: (e: StreamEvent) => void): () => void {
    return this.#subscribe({ next: listener, complete: () => {} });
  }

  /** Last known state of each host that has streamed. */
  states(): Record<string, HostState> {
    return Object.fromEntries(this.#states);
  }

  /** Events from now on, until `signal` aborts, the consumer stops or the client closes. */
  async *events(signal?: AbortSignal): AsyncGenerator<StreamEvent> {
    const queue = new AsyncQueue<StreamEvent>(Number.POSITIVE_INFINITY);
    const off = this.#subscribe({ next: (e) => void queue.push(e), complete: () => queue.end() });
    const onAbort = () => queue.end();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) queue.end();
    try {
      yield* queue;
    } finally {
      off();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The same events as an Observable; completes when the client closes. */
  readonly events$: Observable<StreamEvent> = new Observable<StreamEvent>((subscriber) =>
    this.#subscribe({ next: (e) => subscriber.next(e), complete: () => subscriber.complete() }),
  );

  /** Completes every iterator and observer (the client is closing). */
  close(): void {
    this.#closed = true;
    for (const s of [...this.#subscriptions]) s.complete();
    this.#subscriptions.clear();
  }
}
