// The coincidence matcher against a brute-force reference of its rule, on random event sets and
// random (bounded) arrival disorder; its memory bounds; the clock rules; both faces.
import fc from 'fast-check';
import { firstValueFrom, from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { placeQuaboImage } from '@daqdata/core';
import { CoincidenceMatcher, coincidences, coincidences$, type CoincidenceEvent, type CoincidenceGroup } from '../src/index.js';

interface Ev {
  id: number;
  t: number;
  moduleId: number;
  host: string;
  synchronised?: boolean;
}

function event(e: Ev, peakAt = 17): CoincidenceEvent {
  const pixels = new Int16Array(256);
  pixels[peakAt] = 500 + e.moduleId;
  const t = 1_754_112_728_000_000_000n + BigInt(e.t);
  const synchronised = e.synchronised ?? true;
  return {
    type: 'pulse-height',
    dataProduct: 'ph256',
    host: e.host,
    moduleId: e.moduleId,
    quabo: e.moduleId % 4,
    pixels,
    shape: [16, 16],
    // Unsynchronised events keep a usable arrival clock (here equal to t), never a WR time.
    time: { wrUnixNs: synchronised ? t : null, wrSynchronised: synchronised, arrivalUnixNs: t, iso: '' },
    frameNumber: e.id,
    file: `f${e.moduleId}`,
  };
}

/** The rule, applied to the whole set at once: sort, anchor on the earliest unused event, take its window or drop it. */
function referenceGroups(events: Ev[], w: number, k: number, by: 'module' | 'node'): number[][] {
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const groups: number[][] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j < sorted.length && sorted[j]!.t <= sorted[i]!.t + w) j++;
    const window = sorted.slice(i, j);
    if (new Set(window.map((e) => (by === 'node' ? e.host : e.moduleId))).size >= k) {
      groups.push(window.map((e) => e.id).sort((a, b) => a - b));
      i = j;
    } else i++;
  }
  return groups.sort((a, b) => a[0]! - b[0]!);
}

function ids(groups: CoincidenceGroup[]): number[][] {
  return groups.map((g) => g.members.map((m) => m.frameNumber).sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}

function run(matcher: CoincidenceMatcher, events: CoincidenceEvent[]): CoincidenceGroup[] {
  return [...events.flatMap((e) => matcher.push(e)), ...matcher.flush()];
}

const eventSet = fc
  .array(fc.record({ t: fc.integer({ min: 0, max: 5_000 }), moduleId: fc.integer({ min: 0, max: 5 }), host: fc.constantFrom('a:1', 'b:2', 'c:3') }), { maxLength: 80 })
  .map((es) => es.map((e, id) => ({ ...e, id })));
const params = fc.record({ w: fc.integer({ min: 1, max: 400 }), k: fc.integer({ min: 1, max: 4 }), by: fc.constantFrom('module' as const, 'node' as const) });

describe('CoincidenceMatcher', () => {
  it('finds exactly the groups of the brute-force reference, events pushed in time order', () => {
    fc.assert(
      fc.property(eventSet, params, (events, { w, k, by }) => {
        const sorted = [...events].sort((a, b) => a.t - b.t);
        const groups = run(new CoincidenceMatcher({ windowNs: w, minModules: k, by, latenessNs: 0 }), sorted.map((e) => event(e)));
        expect(ids(groups)).toEqual(referenceGroups(events, w, k, by));
      }),
      { numRuns: 300 },
    );
  });

  it('finds the same groups whatever the arrival order, while disorder stays within the lateness allowance; none late', () => {
    fc.assert(
      fc.property(eventSet, params, fc.integer({ min: 0, max: 2_000 }), fc.integer(), (events, { w, k, by }, lateness, seed) => {
        // Arrival order: time plus a delay of up to `lateness`, so no event arrives more than `lateness` behind the newest.
        let s = seed >>> 0;
        const delay = () => ((s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) % (lateness + 1));
        const arrival = events.map((e) => ({ e, at: e.t + delay() })).sort((a, b) => a.at - b.at).map((x) => x.e);
        const matcher = new CoincidenceMatcher({ windowNs: w, minModules: k, by, latenessNs: lateness });
        const groups = run(matcher, arrival.map((e) => event(e)));
        expect(ids(groups)).toEqual(referenceGroups(events, w, k, by));
        expect(matcher.stats.late).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('puts no event in two groups; every group spans at most W and has K distinct modules (or nodes)', () => {
    fc.assert(
      fc.property(eventSet, params, (events, { w, k, by }) => {
        const groups = run(new CoincidenceMatcher({ windowNs: w, minModules: k, by }), events.map((e) => event(e)));
        const seen = groups.flatMap((g) => g.members.map((m) => m.frameNumber));
        expect(new Set(seen).size).toBe(seen.length);
        for (const g of groups) {
          expect(g.spanNs).toBeLessThanOrEqual(BigInt(w));
          expect(g.spanNs).toBe(g.endNs - g.startNs);
          expect((by === 'node' ? g.nodes : g.modules).length).toBeGreaterThanOrEqual(k);
          expect(g.members.map((m) => m.timeNs)).toEqual([...g.members.map((m) => m.timeNs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('holds only the events of the last W + lateness ns', () => {
    fc.assert(
      fc.property(eventSet, params, fc.integer({ min: 0, max: 500 }), (events, { w, k, by }, lateness) => {
        const sorted = [...events].sort((a, b) => a.t - b.t);
        const matcher = new CoincidenceMatcher({ windowNs: w, minModules: k, by, latenessNs: lateness });
        sorted.forEach((e, n) => {
          matcher.push(event(e));
          const recent = sorted.slice(0, n + 1).filter((x) => x.t >= e.t - w - lateness).length;
          expect(matcher.stats.pending).toBeLessThanOrEqual(recent);
        });
        matcher.flush();
        expect(matcher.stats.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('bounds the events waiting per module: a flood forces early decisions, and events for decided times count as late', () => {
    const matcher = new CoincidenceMatcher({ windowNs: 10, minModules: 2, latenessNs: 1_000_000, maxPendingPerModule: 5 });
    for (let i = 0; i < 50; i++) {
      matcher.push(event({ id: i, t: i * 100, moduleId: 1, host: 'a:1' }));
      expect(matcher.stats.pending).toBeLessThanOrEqual(5);
    }
    expect(matcher.stats.forced).toBe(45);
    expect(matcher.push(event({ id: 99, t: 0, moduleId: 2, host: 'a:1' }))).toEqual([]);
    expect(matcher.stats.late).toBe(1);
  });

  it('reports each member with module, quabo, time and peak pixel', () => {
    const matcher = new CoincidenceMatcher({ windowNs: 100, minModules: 2, latenessNs: 0 });
    const groups = run(matcher, [event({ id: 1, t: 0, moduleId: 3, host: 'a:1' }, 40), event({ id: 2, t: 60, moduleId: 6, host: 'b:2' }, 255)]);
    expect(groups).toHaveLength(1);
    const [g] = groups;
    expect(g!.members.map((m) => [m.moduleId, m.quabo, m.timeNs - g!.startNs, m.peak])).toEqual([
      [3, 3, 0n, { index: 40, row: 2, col: 8, value: 503 }],
      [6, 2, 60n, { index: 255, row: 15, col: 15, value: 506 }],
    ]);
    expect(g!.nodes).toEqual(['a:1', 'b:2']);
    expect(g!.clock).toBe('white-rabbit');
    expect(matcher.stats).toMatchObject({ events: 2, groups: 1, grouped: 2, pending: 0 });
  });

  it('takes a ph1024 event’s quabo from the board under its peak pixel', () => {
    for (const quabo of [0, 1, 2, 3]) {
      const board = new Int16Array(256);
      board[5 * 16 + 9] = 900;
      const pixels = placeQuaboImage(board, quabo, new Int16Array(1024));
      const base = event({ id: quabo, t: 0, moduleId: 1, host: 'a:1' });
      const ph1024: CoincidenceEvent = { ...base, dataProduct: 'ph1024', quabo: undefined, pixels, shape: [32, 32] };
      const groups = run(new CoincidenceMatcher({ windowNs: 1, minModules: 1 }), [ph1024]);
      expect(groups[0]!.members[0]!.quabo).toBe(quabo);
      expect(groups[0]!.members[0]!.peak.value).toBe(900);
    }
  });

  it('never mixes unsynchronised WR clocks with synchronised ones: left out by default, or matched on arrival time with a flag', () => {
    const events = [
      event({ id: 1, t: 0, moduleId: 1, host: 'a:1' }),
      event({ id: 2, t: 5, moduleId: 2, host: 'a:1', synchronised: false }),
      event({ id: 3, t: 7, moduleId: 3, host: 'b:2', synchronised: false }),
    ];
    const excluded = new CoincidenceMatcher({ windowNs: 100, minModules: 2 });
    expect(run(excluded, events)).toEqual([]);
    expect(excluded.stats.unsynchronised).toBe(2);

    const arrival = new CoincidenceMatcher({ windowNs: 100, minModules: 2, unsynchronised: 'arrival' });
    const groups = run(arrival, events);
    expect(groups.map((g) => [g.clock, g.members.map((m) => [m.frameNumber, m.wrSynchronised])])).toEqual([
      ['arrival', [[2, false], [3, false]]],
    ]);
  });

  it('ignores movie frames and untimed events, counting them', () => {
    const matcher = new CoincidenceMatcher({ windowNs: 100, minModules: 1 });
    const base = event({ id: 1, t: 0, moduleId: 1, host: 'a:1' });
    expect(matcher.push({ ...base, type: 'movie' })).toEqual([]);
    expect(matcher.push({ ...base, time: null })).toEqual([]);
    expect(matcher.flush()).toEqual([]);
    expect(matcher.stats).toMatchObject({ events: 2, notPulseHeight: 1, untimed: 1, groups: 0 });
  });

  it('rejects options out of bounds, naming the option', () => {
    expect(() => new CoincidenceMatcher({ windowNs: 0, minModules: 2 })).toThrow(/windowNs must be 1 \.\. 10000000000 ns, got 0/);
    expect(() => new CoincidenceMatcher({ windowNs: 20_000_000_000n, minModules: 2 })).toThrow(/windowNs/);
    expect(() => new CoincidenceMatcher({ windowNs: 1.5, minModules: 2 })).toThrow(/windowNs must be an integer/);
    expect(() => new CoincidenceMatcher({ windowNs: 10, minModules: 0 })).toThrow(/minModules must be an integer 1 \.\. 4096, got 0/);
    expect(() => new CoincidenceMatcher({ windowNs: 10, minModules: 2, latenessNs: -1 })).toThrow(/latenessNs/);
    expect(() => new CoincidenceMatcher({ windowNs: 10, minModules: 2, maxPendingPerModule: 0 })).toThrow(/maxPendingPerModule/);
    expect(() => new CoincidenceMatcher({ windowNs: 10, minModules: 2, by: 'telescope' as 'node' })).toThrow(/by must be/);
  });

  it('gives the same groups through the async-iterable face and the RxJS face', async () => {
    await fc.assert(
      fc.asyncProperty(eventSet, params, async (events, { w, k, by }) => {
        const images = events.map((e) => event(e));
        const options = { windowNs: w, minModules: k, by };
        const expected = ids(run(new CoincidenceMatcher(options), images));
        const viaAsync: CoincidenceGroup[] = [];
        for await (const g of coincidences((async function* () { yield* images; })(), options)) viaAsync.push(g);
        const viaRx = await lastValueFrom(from(images).pipe(coincidences$(options), toArray()));
        expect(ids(viaAsync)).toEqual(expected);
        expect(ids(viaRx)).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('with idleFlushMs, a quiet live stream still emits its waiting group, then goes on matching (async face)', async () => {
    let resume = () => undefined as void;
    const resumed = new Promise<void>((r) => (resume = r));
    const pulled: number[] = [];
    async function* live() {
      yield event({ id: 1, t: 0, moduleId: 1, host: 'a:1' });
      yield event({ id: 2, t: 50, moduleId: 2, host: 'b:2' });
      pulled.push(2);
      await resumed; // the stream goes quiet, but stays open
      yield event({ id: 3, t: 5_000_000_000, moduleId: 3, host: 'a:1' });
      yield event({ id: 4, t: 5_000_000_010, moduleId: 4, host: 'b:2' });
    }
    // A lateness of 1 s: without the idle flush, the first group would wait for an event 1 s later in event time.
    const groups = coincidences(live(), { windowNs: 100, minModules: 2, latenessNs: 1_000_000_000 }, { idleFlushMs: 20 });
    const first = await groups.next();
    expect(first.done).toBe(false);
    expect((first.value as CoincidenceGroup).members.map((m) => m.frameNumber)).toEqual([1, 2]);
    expect(pulled).toEqual([2]);
    resume();
    const rest: CoincidenceGroup[] = [];
    for await (const g of groups) rest.push(g);
    expect(ids(rest)).toEqual([[3, 4]]);
  });

  it('with idleFlushMs, the RxJS face emits a quiet stream\'s waiting group without the stream completing', async () => {
    const images = new Subject<CoincidenceEvent>();
    const matcher = new CoincidenceMatcher({ windowNs: 100, minModules: 2, latenessNs: 1_000_000_000 });
    const firstGroup = firstValueFrom(images.pipe(coincidences$(matcher, { idleFlushMs: 20 })));
    images.next(event({ id: 1, t: 0, moduleId: 1, host: 'a:1' }));
    images.next(event({ id: 2, t: 30, moduleId: 2, host: 'b:2' }));
    expect((await firstGroup).members.map((m) => m.frameNumber)).toEqual([1, 2]);
    expect(images.observed).toBe(false); // firstValueFrom unsubscribed: the timer and the subscription are gone
    expect(matcher.stats.pending).toBe(0);
  });

  it('rejects an idleFlushMs out of bounds', () => {
    expect(() => coincidences$({ windowNs: 10, minModules: 2 }, { idleFlushMs: 0 })).toThrow(/idleFlushMs must be 1 \.\. 3600000, got 0/);
  });
});
