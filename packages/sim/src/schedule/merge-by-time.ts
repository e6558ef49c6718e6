// Several time-ordered streams as one, in time order: how frames of many modules, data
// products and archived runs interleave on one node. Ties go to the earlier stream, so the
// merge is deterministic.

export async function* mergeByTime<T>(streams: ReadonlyArray<AsyncIterable<T>>, time: (item: T) => bigint): AsyncGenerator<T, void, undefined> {
  const iterators = streams.map((s) => s[Symbol.asyncIterator]());
  const pull = async (it: AsyncIterator<T>): Promise<T | undefined> => {
    const r = await it.next();
    return r.done ? undefined : r.value;
  };
  const heads = await Promise.all(iterators.map(pull));
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h !== undefined && (best < 0 || time(h) < time(heads[best]!))) best = i;
      }
      if (best < 0) return;
      yield heads[best]!;
      heads[best] = await pull(iterators[best]!);
    }
  } finally {
    // Stopping early must still close every source (open file handles in archive streams).
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}

/** A synchronous iterable as an async one, so generated and archived streams merge alike. */
export async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T, void, undefined> {
  yield* items;
}
