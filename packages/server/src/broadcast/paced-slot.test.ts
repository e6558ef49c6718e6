import { describe, expect, it } from 'vitest';
import { PacedSlot } from './paced-slot.js';

/** A slot on a hand-driven clock; `due` counts onDue calls. */
function slotAt(intervalMs: number, signal?: AbortSignal) {
  const t = { now: 0, due: 0 };
  const slot = new PacedSlot<number>({ intervalMs: () => intervalMs, clock: () => t.now, onDue: () => t.due++, signal });
  return { t, slot };
}

describe('PacedSlot', () => {
  it('is due at once for the first value and keeps only the newest until taken', () => {
    const { t, slot } = slotAt(100);
    expect(slot.offer(1)).toBe(false);
    expect(t.due).toBe(1);
    expect(slot.offer(2)).toBe(true); // coalesces into the due release, replacing 1
    expect(t.due).toBe(1);
    expect(slot.take()).toBe(2);
    expect(slot.hasPending).toBe(false);
    expect(slot.take()).toBeUndefined();
  });

  it('schedules a value offered within the interval and releases it when the interval ends', async () => {
    let now = 1000;
    const dues: Array<() => void> = [];
    let due = 0;
    const slot = new PacedSlot<string>({ intervalMs: () => 5, clock: () => now, onDue: () => (due++, dues.shift()?.()) });
    slot.offer('a');
    expect(slot.take(now)).toBe('a');
    slot.offer('b');
    expect(due).toBe(1); // scheduled, not due
    const second = new Promise<void>((resolve) => dues.push(resolve));
    now += 5; // the interval is over on the slot's clock when its timer fires
    await second;
    expect(due).toBe(2);
    expect(slot.take()).toBe('b');
  });

  it('an abort drops the pending value and ignores later offers', () => {
    const c = new AbortController();
    const { t, slot } = slotAt(100, c.signal);
    slot.offer(1);
    c.abort();
    expect(slot.hasPending).toBe(false);
    expect(slot.offer(2)).toBe(false);
    expect(t.due).toBe(1);
    expect(slot.take()).toBeUndefined();
  });

  it('take(now) restarts the interval at the given time', () => {
    const { t, slot } = slotAt(100);
    slot.offer(1);
    slot.take(50);
    t.now = 149;
    slot.offer(2);
    expect(t.due).toBe(1); // 99 ms after the take: scheduled
    slot.cancel();
    t.now = 150;
    slot.offer(3);
    expect(t.due).toBe(2);
  });
});
