import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPARE_SLABS, SlabQueue } from './frame-slabs.js';

describe('SlabQueue', () => {
  it('keeps equal copies, counts between the bytes held and a slab per image, and frees everything when the last is released (any sizes, any order of holds and releases)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4096 }),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 6000 }), fc.constant(0)), { maxLength: 150 }),
        (slabBytes, ops) => {
          const q = new SlabQueue(slabBytes);
          // Held images, oldest first: the copy and what it must still contain.
          const held: Array<{ view: Uint8Array; want: Uint8Array }> = [];
          ops.forEach((op, k) => {
            if (op === 0) {
              if (held.length === 0) return expect(() => q.releaseOldest()).toThrow(/nothing held/);
              q.releaseOldest();
              held.shift();
            } else {
              const want = Uint8Array.from({ length: op }, (_, i) => (i * 31 + k) & 0xff);
              const cost = q.costOf(op);
              const before = q.bytes;
              held.push({ view: q.hold(want), want });
              expect(q.bytes - before).toBe(cost);
            }
            // Copies made since are elsewhere: every held view still has its bytes.
            for (const h of held) expect(Buffer.compare(h.view, h.want)).toBe(0);
            const lengths = held.reduce((s, h) => s + h.view.length, 0);
            expect(q.bytes).toBeGreaterThanOrEqual(lengths);
            expect(q.bytes).toBeLessThanOrEqual(held.reduce((s, h) => s + Math.max(h.view.length, slabBytes), 0));
          });
          while (held.length > 0) {
            q.releaseOldest();
            held.shift();
          }
          expect(q.bytes).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('packs small images into one slab, and gives an image larger than a slab one of its own', () => {
    const q = new SlabQueue(1000);
    const a = q.hold(new Uint8Array(300));
    const b = q.hold(new Uint8Array(300));
    expect(a.buffer).toBe(b.buffer);
    expect(q.bytes).toBe(1000);
    const big = q.hold(new Uint8Array(1500));
    expect(big.buffer.byteLength).toBe(1500);
    expect(q.bytes).toBe(2500);
    // After the large one, a new slab: releasing in order never frees a slab still in use.
    const c = q.hold(new Uint8Array(10));
    expect(c.buffer).not.toBe(a.buffer);
    q.releaseOldest();
    q.releaseOldest();
    expect(q.bytes).toBe(2500);
    q.releaseOldest();
    expect(q.bytes).toBe(1000);
  });

  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('reuses an emptied slab from the next event-loop turn on, never within the turn it emptied in', async () => {
    const q = new SlabQueue(1000);
    const a = q.hold(new Uint8Array(600).fill(1));
    q.releaseOldest();
    // Same turn: a view handed out before the release (a batch being encoded) keeps its bytes.
    const b = q.hold(new Uint8Array(600).fill(2));
    expect(b.buffer).not.toBe(a.buffer);
    expect(a.every((v) => v === 1)).toBe(true);
    expect(q.reused).toBe(0);
    await nextTurn();
    q.releaseOldest();
    await nextTurn();
    expect(q.spareCount).toBe(2);
    const c = q.hold(new Uint8Array(600).fill(3));
    expect([a.buffer, b.buffer]).toContain(c.buffer);
    expect(q.reused).toBe(1);
    expect(q.bytes).toBe(1000);
  });

  it('never reuses a slab released without recycling (a re-initialisation), nor one of its own size, and keeps at most SPARE_SLABS spare', async () => {
    const q = new SlabQueue(100);
    q.hold(new Uint8Array(100));
    q.releaseOldest(false);
    q.hold(new Uint8Array(500)); // larger than a slab: a slab of its own
    q.releaseOldest();
    await nextTurn();
    expect(q.spareCount).toBe(0);
    for (let i = 0; i < SPARE_SLABS + 10; i++) q.hold(new Uint8Array(100));
    for (let i = 0; i < SPARE_SLABS + 10; i++) q.releaseOldest();
    await nextTurn();
    expect(q.spareCount).toBe(SPARE_SLABS);
    q.dropSpares();
    expect(q.spareCount).toBe(0);
  });
});
