// The two faces of the coincidence matcher: an async generator over any async iterable of
// images (e.g. client.streamImages), and an RxJS operator (e.g. client.images$().pipe(...)).
// Both push each image into one CoincidenceMatcher, emit the groups it returns, and flush it
// when the input ends, so a finite input (a run read back from disk) yields every group.
//
// A live stream that goes quiet would hold its last groups until the next event arrives (the
// matcher decides on event time, never the wall clock). With idleFlushMs, the faces flush after
// that long without an event: the waiting groups come out, and stragglers arriving later for
// those times count as late.
import { Observable, type OperatorFunction } from 'rxjs';
import { CoincidenceMatcher, type CoincidenceEvent, type CoincidenceGroup, type CoincidenceOptions } from './coincidences.js';

/** Options, or a matcher of your own (to read its stats afterwards). */
export type CoincidenceSetup = CoincidenceOptions | CoincidenceMatcher;

export interface CoincidenceStreamOptions {
  /** Flush after this many ms without an event (1 .. 3 600 000); never when omitted. */
  idleFlushMs?: number;
}

const MAX_IDLE_FLUSH_MS = 3_600_000;

function matcherFor(setup: CoincidenceSetup): CoincidenceMatcher {
  return setup instanceof CoincidenceMatcher ? setup : new CoincidenceMatcher(setup);
}

function idleFlushMs(o: CoincidenceStreamOptions): number | undefined {
  const ms = o.idleFlushMs;
  if (ms !== undefined && !(Number.isFinite(ms) && ms >= 1 && ms <= MAX_IDLE_FLUSH_MS)) throw new RangeError(`coincidences: idleFlushMs must be 1 .. ${MAX_IDLE_FLUSH_MS}, got ${ms}`);
  return ms;
}

const IDLE = Symbol('idle');

/** Groups from a stream of images; ends (after a flush) when the images end. Breaking out stops reading the images. */
export async function* coincidences(
  images: AsyncIterable<CoincidenceEvent> | Iterable<CoincidenceEvent>,
  setup: CoincidenceSetup,
  options: CoincidenceStreamOptions = {},
): AsyncGenerator<CoincidenceGroup, void, undefined> {
  const matcher = matcherFor(setup);
  const idleMs = idleFlushMs(options);
  if (idleMs === undefined) {
    for await (const image of images) yield* matcher.push(image);
    yield* matcher.flush();
    return;
  }
  const it = Symbol.asyncIterator in images ? images[Symbol.asyncIterator]() : (images as Iterable<CoincidenceEvent>)[Symbol.iterator]();
  let timer: NodeJS.Timeout | undefined;
  try {
    let next = Promise.resolve(it.next());
    for (;;) {
      // An idle flush does not cancel the pending read: the next event is still awaited.
      const idle = new Promise<typeof IDLE>((resolve) => (timer = setTimeout(resolve, idleMs, IDLE)));
      const r = await Promise.race([next, idle]);
      clearTimeout(timer);
      if (r === IDLE) {
        yield* matcher.flush();
        continue;
      }
      if (r.done) break;
      next = Promise.resolve(it.next());
      yield* matcher.push(r.value);
    }
    yield* matcher.flush();
  } finally {
    clearTimeout(timer);
    await it.return?.();
  }
}

/** RxJS: `images$.pipe(coincidences$({ windowNs: 1000, minModules: 2 }))`. */
export function coincidences$(setup: CoincidenceSetup, options: CoincidenceStreamOptions = {}): OperatorFunction<CoincidenceEvent, CoincidenceGroup> {
  const idleMs = idleFlushMs(options);
  return (source) =>
    new Observable<CoincidenceGroup>((subscriber) => {
      const matcher = matcherFor(setup);
      let timer: NodeJS.Timeout | undefined;
      const emit = (groups: CoincidenceGroup[]) => {
        for (const g of groups) subscriber.next(g);
      };
      const subscription = source.subscribe({
        next(image) {
          clearTimeout(timer);
          let groups: CoincidenceGroup[];
          try {
            groups = matcher.push(image);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          emit(groups);
          if (idleMs !== undefined) timer = setTimeout(() => emit(matcher.flush()), idleMs);
        },
        error: (err: unknown) => subscriber.error(err),
        complete() {
          clearTimeout(timer);
          emit(matcher.flush());
          subscriber.complete();
        },
      });
      return () => {
        clearTimeout(timer);
        subscription.unsubscribe();
      };
    });
}
