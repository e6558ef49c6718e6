// One source of images read once and delivered to every host's upload: each host gets every
// image. A host that is slow holds the source back (bounded per-host queues), so memory stays
// flat however long the source is.
import { AsyncQueue } from './async-queue.js';

export function teeAsync<T>(source: Iterable<T> | AsyncIterable<T>, count: number, capacity = 64): { branches: AsyncQueue<T>[]; done: Promise<void> } {
  const branches = Array.from({ length: count }, () => new AsyncQueue<T>(capacity));
  const done = (async () => {
    try {
      for await (const item of source as AsyncIterable<T>) {
        const live = branches.filter((b) => !b.ended);
        if (live.length === 0) return;
        await Promise.all(live.map((b) => b.push(item)));
      }
      for (const b of branches) b.end();
    } catch (err) {
      for (const b of branches) b.fail(err);
    }
  })();
  return { branches, done };
}
