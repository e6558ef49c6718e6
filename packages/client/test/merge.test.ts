// The fan-in primitive on its own: arrival order, one failing source never ends the others,
// every source rejected -> AllHostsFailedError, stop -> every source cancelled.
import { describe, expect, it } from 'vitest';
import { AllHostsFailedError, HostGoneError } from '../src/index.js';
import { mergeInArrivalOrder } from '../src/stream/merge-in-arrival-order.js';

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
