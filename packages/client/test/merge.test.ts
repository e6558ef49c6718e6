// The fan-in primitive on its own: arrival order, one failing source never ends the others,
// every source rejected -> AllHostsFailedError, stop -> every source cancelled.
import { describe, expect, it } from 'vitest';
import { AllHostsFailedError, HostGoneError } from '../src/index.js';
import { mergeBatchesInArrivalOrder, mergeInArrivalOrder } from '../src/stream/merge-in-arrival-order.js';

/** A source whose items are released by the test, one `release()` at a time. */
function gatedSource<T>(items: T[], end: 'finish' | Error = 'finish') {
  const gates: Array<() => void> = [];
  let cancelled = false;
  const source = async function* (signal: AbortSignal) {
    try {
      for (const item of items) {
        await new Promise<void>((resolve) => {
          gates.push(resolve);
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        if (signal.aborted) return;
        yield item;
      }
      if (end instanceof Error) throw end;
    } finally {
      cancelled = signal.aborted;
    }
  };
  return {
    source,
    release: () => gates.shift()?.(),
    get cancelled() {
      return cancelled;
    },
  };
}

describe('mergeInArrivalOrder', () => {
  it('yields items in the order they arrive across sources', async () => {
    const a = gatedSource(['a1', 'a2']);
    const b = gatedSource(['b1', 'b2']);
    const merged = mergeInArrivalOrder([a.source, b.source], { capacity: 8, endWhenAllGone: true });
    const order: string[] = [];
    const next = async (release: () => void) => {
      const p = merged.next();
      release();
      const r = await p;
      if (!r.done) order.push(r.value);
    };
    await next(() => setImmediate(() => b.release()));
    await next(() => setImmediate(() => a.release()));
    await next(() => setImmediate(() => a.release()));
    await next(() => setImmediate(() => b.release()));
    expect(order).toEqual(['b1', 'a1', 'a2', 'b2']);
    expect((await merged.next()).done).toBe(true);
  });

  it('a source that fails does not end the others; every source rejected is an AllHostsFailedError', async () => {
    const failing = async function* () {
      throw new HostGoneError('h1:1', 'INVALID_ARGUMENT: bad', true);
    };
    const ok = async function* () {
      yield 1;
      yield 2;
    };
    const items: number[] = [];
    for await (const n of mergeInArrivalOrder<number>([failing, ok], { capacity: 8, endWhenAllGone: true })) items.push(n);
    expect(items).toEqual([1, 2]);

    const all = mergeInArrivalOrder<number>([failing, failing], { capacity: 8, endWhenAllGone: true });
    await expect(all.next()).rejects.toThrow(AllHostsFailedError);
  });

  it('stopping the consumer cancels every source, including silent ones', async () => {
    const silent = gatedSource(['never']);
    const talking = async function* () {
      for (let i = 0; ; i++) yield i;
    };
    for await (const n of mergeInArrivalOrder<unknown>([silent.source, talking], { capacity: 4, endWhenAllGone: true })) {
      if (n === 10) break;
    }
    expect(silent.cancelled).toBe(true);
  });

  it('abort stops at once: items already buffered are not yielded, the loop ends normally, every source is cancelled', async () => {
    const silent = gatedSource(['never']);
    const talking = async function* () {
      for (let i = 0; ; i++) yield i;
    };
    const controller = new AbortController();
    const merged = mergeInArrivalOrder<unknown>([silent.source, talking], { capacity: 16, endWhenAllGone: true, signal: controller.signal });
    const first = await merged.next();
    expect(first).toEqual({ done: false, value: 0 });
    // Let the talking source fill the buffer, so items are waiting when the signal aborts.
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await merged.next()).toEqual({ done: true, value: undefined });
    expect(silent.cancelled).toBe(true);
  });
});

/** A source of batches of `size` numbers (0, 1, 2, ...), endless; counts the batches taken from it and notes its end. */
function batchSource(size: number) {
  const state = { pulled: 0, cancelled: false, finished: false };
  const source = async function* (signal: AbortSignal) {
    try {
      for (let b = 0; ; b++) {
        state.pulled++;
        yield Array.from({ length: size }, (_, i) => b * size + i);
      }
    } finally {
      state.cancelled = signal.aborted;
      state.finished = true;
    }
  };
  return { source, state };
}

/** A turn of the event loop: every pump has run as far as it can. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('mergeBatchesInArrivalOrder', () => {
  it('yields the items of each batch one per next(), batches in arrival order across sources', async () => {
    const a = gatedSource([['a1', 'a2', 'a3']]);
    const b = gatedSource([['b1'], [], ['b2', 'b3']]);
    const merged = mergeBatchesInArrivalOrder<string>([a.source, b.source], { capacity: 8, endWhenAllGone: true });
    const first = merged.next();
    await turn(); // the sources are opened and waiting
    b.release();
    expect(await first).toEqual({ done: false, value: 'b1' });
    a.release();
    await turn();
    b.release(); // the empty batch: nothing to yield
    await turn();
    b.release();
    await turn();
    const rest: string[] = [];
    for await (const item of merged) rest.push(item);
    expect(rest).toEqual(['a1', 'a2', 'a3', 'b2', 'b3']);
  });

  it('capacity counts items: a source waits while that many are queued, and goes on once a batch is taken', async () => {
    const s = batchSource(3);
    const merged = mergeBatchesInArrivalOrder<number>([s.source], { capacity: 4, endWhenAllGone: true });
    expect(await merged.next()).toEqual({ done: false, value: 0 });
    await turn();
    // Batch 0 taken by the consumer; batches 1 and 2 queued (6 items >= 4): the source waits.
    expect(s.state.pulled).toBe(3);
    await turn();
    expect(s.state.pulled).toBe(3);
    // The rest of batch 0 takes nothing from the queue.
    expect([(await merged.next()).value, (await merged.next()).value]).toEqual([1, 2]);
    await turn();
    expect(s.state.pulled).toBe(3);
    // Taking batch 1 leaves 3 items queued: room again, one more batch comes in.
    expect((await merged.next()).value).toBe(3);
    await turn();
    expect(s.state.pulled).toBe(4);
    await merged.return(undefined);
    expect(s.state).toEqual({ pulled: 4, cancelled: true, finished: true });
  });

  it('abort in the middle of a batch: the rest of it is not yielded, the loop ends normally, the source is cancelled', async () => {
    const s = batchSource(5);
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const n of mergeBatchesInArrivalOrder<number>([s.source], { capacity: 16, endWhenAllGone: true, signal: controller.signal })) {
      seen.push(n);
      if (n === 1) controller.abort();
    }
    expect(seen).toEqual([0, 1]);
    expect(s.state.cancelled).toBe(true);
  });

  it('break in the middle of a batch ends the loop with every source finished', async () => {
    const s = batchSource(5);
    const silent = gatedSource<number[]>([[99]]);
    const seen: number[] = [];
    for await (const n of mergeBatchesInArrivalOrder<number>([s.source, silent.source], { capacity: 16, endWhenAllGone: true })) {
      seen.push(n);
      if (n === 7) break;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([s.state.finished, s.state.cancelled, silent.cancelled]).toEqual([true, true, true]);
  });

  it('sources given by a function are opened at the first next(), and its error is thrown there', async () => {
    let opened = 0;
    const merged = mergeBatchesInArrivalOrder<number>(async () => {
      opened++;
      throw new RangeError('bad request');
    }, { capacity: 4, endWhenAllGone: true });
    expect(opened).toBe(0);
    await expect(merged.next()).rejects.toThrow('bad request');
    expect(opened).toBe(1);
  });
});
