// One source of images read once and delivered to every host's upload: each host gets every
// image. A host that is slow holds the source back (bounded per-host queues), so memory stays
// flat however long the source is.
import { AsyncQueue } from './async-queue.js';

/** How reading the source ended. A failed source fails every branch; `error` is its own error. */
export type TeeOutcome = { ok: true } | { ok: false; error: unknown };

export function teeAsync<T>(source: Iterable<T> | AsyncIterable<T>, count: number, capacity = 64): { branches: AsyncQueue<T>[]; done: Promise<TeeOutcome> } {
  const branches = Array.from({ length: count }, () => new AsyncQueue<T>(capacity));
  // Resolves, never rejects: the caller looks at it only after every branch has finished.
  const done = (async (): Promise<TeeOutcome> => {
    try {
      for await (const item of source as AsyncIterable<T>) {
        const live = branches.filter((b) => !b.ended);
        if (live.length === 0) return { ok: true };
        await Promise.all(live.map((b) => b.push(item)));
      }
      for (const b of branches) b.end();
      return { ok: true };
    } catch (err) {
      for (const b of branches) b.fail(err);
      return { ok: false, error: err };
    }
  })();
  return { branches, done };
}
