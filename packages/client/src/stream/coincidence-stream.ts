// The two faces of the coincidence matcher: an async generator over any async iterable of
// images (e.g. client.streamImages), and an RxJS operator (e.g. client.images$().pipe(...)).
// Both push each image into one CoincidenceMatcher, emit the groups it returns, and flush it
// when the input ends, so a finite input (a run read back from disk) yields every group.
import { Observable, type OperatorFunction } from 'rxjs';
import { CoincidenceMatcher, type CoincidenceEvent, type CoincidenceGroup, type CoincidenceOptions } from './coincidences.js';

/** Options, or a matcher of your own (to read its stats afterwards). */
export type CoincidenceSetup = CoincidenceOptions | CoincidenceMatcher;

function matcherFor(setup: CoincidenceSetup): CoincidenceMatcher {
  return setup instanceof CoincidenceMatcher ? setup : new CoincidenceMatcher(setup);
}

/** Groups from a stream of images; ends (after a flush) when the images end. Breaking out stops reading the images. */
export async function* coincidences(images: AsyncIterable<CoincidenceEvent> | Iterable<CoincidenceEvent>, setup: CoincidenceSetup): AsyncGenerator<CoincidenceGroup, void, undefined> {
  const matcher = matcherFor(setup);
  for await (const image of images) yield* matcher.push(image);
  yield* matcher.flush();
}

/** RxJS: `images$.pipe(coincidences$({ windowNs: 1000, minModules: 2 }))`. */
export function coincidences$(setup: CoincidenceSetup): OperatorFunction<CoincidenceEvent, CoincidenceGroup> {
  return (source) =>
    new Observable<CoincidenceGroup>((subscriber) => {
      const matcher = matcherFor(setup);
      return source.subscribe({
        next(image) {
          let groups: CoincidenceGroup[];
          try {
            groups = matcher.push(image);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          for (const g of groups) subscriber.next(g);
        },
        error: (err: unknown) => subscriber.error(err),
        complete() {
          for (const g of matcher.flush()) subscriber.next(g);
          subscriber.complete();
        },
      });
    });
}
