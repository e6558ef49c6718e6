// Injected coincident pulses: a pure function of (seed, absolute time), so separate simulations
// agree; separated so each is its own known answer; injected without disturbing the background.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInjection, coincidentPulses, MIN_PULSE_SEPARATION_NS, syntheticFrames, type CoincidentPulse, type SimFrame } from '../src/index.js';

const T0 = 1_754_112_728_000_000_000n;

function take<T>(it: Iterator<T>, n: number): T[] {
  return Array.from({ length: n }, () => it.next().value as T);
}

describe('coincidentPulses', () => {
  it('gives the same pulses whatever time a simulation starts and whichever modules it writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 3_000_000_000 }), fc.integer({ min: 0, max: 1000 }), (rate, laterBy, spreadNs) => {
        const inj = { rate, modules: [1, 2, 3, 4], spreadNs, seed: 9 };
        const early = take(coincidentPulses(inj, T0), 3 * rate + 20);
        const later = take(coincidentPulses(inj, T0 + BigInt(laterBy), [2, 4]), 5);
        for (const p of later) {
          const same = early.find((q) => q.id === p.id);
          if (!same) continue; // beyond what `early` took
          expect(p.timeNs).toBe(same.timeNs);
          expect(p.members).toEqual(same.members.filter((m) => m.moduleId === 2 || m.moduleId === 4));
        }
        expect(later[0]!.timeNs).toBeGreaterThan(T0 + BigInt(laterBy));
      }),
      { numRuns: 50 },
    );
  });

  it('keeps pulses MIN_PULSE_SEPARATION_NS apart and each member within the spread, at about the asked rate', () => {
    const rate = 20;
    const pulses = take(coincidentPulses({ rate, modules: [5, 6], spreadNs: 300 }, T0), 600);
    for (let i = 1; i < pulses.length; i++) expect(pulses[i]!.timeNs - pulses[i - 1]!.timeNs).toBeGreaterThanOrEqual(BigInt(MIN_PULSE_SEPARATION_NS));
    for (const p of pulses) {
      expect(p.members.map((m) => m.moduleId)).toEqual([5, 6]);
      for (const m of p.members) {
        expect(m.timeNs - p.timeNs).toBeGreaterThanOrEqual(0n);
        expect(m.timeNs - p.timeNs).toBeLessThanOrEqual(300n);
        expect([0, 1, 2, 3]).toContain(m.quabo);
      }
    }
    const seconds = Number(pulses.at(-1)!.timeNs - pulses[0]!.timeNs) / 1e9;
    // 600 Poisson pulses: within 5 sigma (~20 %) of the asked rate, less the ~4 % dropped as too close (rate * separation).
    expect(pulses.length / seconds).toBeGreaterThan(rate * 0.75);
    expect(pulses.length / seconds).toBeLessThan(rate * 1.25);
  });

  it('rejects numbers out of bounds, naming them', () => {
    expect(() => checkInjection({ rate: 0, modules: [1] })).toThrow(/coincident rate must be above 0 and at most 1000/);
    expect(() => checkInjection({ rate: 5000, modules: [1] })).toThrow(/coincident rate/);
    expect(() => checkInjection({ rate: 1, modules: [1], spreadNs: -1 })).toThrow(/coincident spread must be an integer 0\.\.1000000 ns/);
    expect(() => checkInjection({ rate: 1, modules: [] })).toThrow(/at least one module/);
    expect(() => checkInjection({ rate: 1, modules: [1.5] })).toThrow(/1\.5 is not a module id/);
  });
});

describe('syntheticFrames with coincidences', () => {
  const opts = { moduleId: 2, dataProduct: 'ph256' as const, startNs: T0, rate: 50, seed: 3 };

  it('adds the module’s pulse events, on the pulse’s quabo at the member time, and leaves the background as it was', () => {
    const inj = { rate: 40, modules: [1, 2], spreadNs: 80, seed: 3 };
    const plain = take(syntheticFrames(opts), 600);
    const injected = take(syntheticFrames({ ...opts, coincidences: inj }), 400);
    const background = injected.filter((f) => f.pulseId === undefined);
    const upTo = background.at(-1)!.timeNs;
    const strip = (f: SimFrame) => ({ timeNs: f.timeNs, pixels: f.pixels, quabo: (f.header as { quabo_num: number }).quabo_num });
    expect(background.map(strip)).toEqual(plain.filter((f) => f.timeNs <= upTo).map(strip));

    const pulses = new Map<string, CoincidentPulse>();
    for (const p of take(coincidentPulses(inj, T0), 400)) pulses.set(p.id, p);
    const events = injected.filter((f) => f.pulseId !== undefined);
    expect(events.length).toBeGreaterThan(50);
    for (const f of events) {
      const member = pulses.get(f.pulseId!)!.members.find((m) => m.moduleId === 2)!;
      expect(f.timeNs).toBe(member.timeNs);
      expect((f.header as { quabo_num: number; pkt_nsec: number }).quabo_num).toBe(member.quabo);
      expect(BigInt((f.header as { pkt_nsec: number }).pkt_nsec)).toBe(member.timeNs % 1_000_000_000n);
    }
    expect(injected.map((f) => f.timeNs)).toEqual([...injected.map((f) => f.timeNs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('injects nothing into a module the pulses do not include', () => {
    const frames = take(syntheticFrames({ ...opts, coincidences: { rate: 100, modules: [7] } }), 100);
    expect(frames.every((f) => f.pulseId === undefined)).toBe(true);
  });
});
