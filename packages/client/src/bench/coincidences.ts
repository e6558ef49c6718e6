// Bench: the coincidence matcher for 8 modules. Throughput: events/s it takes as fast as it
// can, on Poisson background plus injected 8-module pulses arriving slightly out of order (as
// from several nodes). Added latency: from the arrival of a group's last member to the group's
// emission (it waits W + lateness of event time for stragglers, by design). Figures only: min/median/max of 3 runs, with the load beside them.
import { execFileSync } from 'node:child_process';
import { CoincidenceMatcher, type CoincidenceEvent } from '../index.js';

const MODULES = 8;
const BACKGROUND_PER_MODULE = Number(process.env.BENCH_COINCIDENCE_RATE ?? 5_000);
const PULSES_PER_S = 100;
const SECONDS = 10;
const WINDOW_NS = 200n;
const LATENESS_NS = 1_000_000n;
/** Arrival order: event time plus up to this much network and node delay. */
const MAX_DELAY_NS = 50_000;
const MIN_MODULES = 3;
const RUNS = 3;
const T0 = 1_754_112_728_000_000_000n;

/** xorshift32: a reproducible event set. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

interface Timed {
  event: CoincidenceEvent;
  arrivalNs: number;
}

function pulseHeight(random: () => number, moduleId: number, offsetNs: number, id: number): CoincidenceEvent {
  const pixels = new Int16Array(256);
  for (let i = 0; i < 256; i++) pixels[i] = Math.round((random() - 0.5) * 20);
  pixels[Math.floor(random() * 256)] = 150 + Math.floor(random() * 3000);
  const t = T0 + BigInt(offsetNs);
  return {
    type: 'pulse-height',
    dataProduct: 'ph256',
    host: `node-${moduleId % 2}`,
    moduleId,
    quabo: Math.floor(random() * 4),
    pixels,
    shape: [16, 16],
    time: { wrUnixNs: t, wrSynchronised: true, arrivalUnixNs: t, iso: '' },
    frameNumber: id,
    file: `module_${moduleId}.ph256`,
  };
}

/** Background and pulses over SECONDS, in arrival order. */
let pulses = 0;
function eventSet(): Timed[] {
  const random = prng(42);
  const out: Timed[] = [];
  const add = (moduleId: number, offsetNs: number) => out.push({ event: pulseHeight(random, moduleId, offsetNs, out.length), arrivalNs: offsetNs + random() * MAX_DELAY_NS });
  for (let m = 1; m <= MODULES; m++) {
    for (let t = 0; ; ) {
      t += (-Math.log(1 - random()) / BACKGROUND_PER_MODULE) * 1e9;
      if (t > SECONDS * 1e9) break;
      add(m, Math.round(t));
    }
  }
  for (let t = 0; ; ) {
    t += (-Math.log(1 - random()) / PULSES_PER_S) * 1e9;
    if (t > SECONDS * 1e9) break;
    pulses++;
    for (let m = 1; m <= MODULES; m++) add(m, Math.round(t) + Math.floor(random() * 100));
  }
  return out.sort((a, b) => a.arrivalNs - b.arrivalNs);
}

function matcher(): CoincidenceMatcher {
  return new CoincidenceMatcher({ windowNs: WINDOW_NS, minModules: MIN_MODULES, latenessNs: LATENESS_NS });
}

function throughput(events: Timed[]): { perS: number; groups: number; late: number } {
  const m = matcher();
  const start = process.hrtime.bigint();
  for (const e of events) m.push(e.event);
  m.flush();
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return { perS: events.length / s, groups: m.stats.groups, late: m.stats.late };
}

/**
 * Added latency on the arrival clock: for each group, the arrival time of the event whose push
 * emitted it minus the arrival of the group's last member (what the matcher waits for), plus
 * the wall time that push took (what it computes). Arrival times, not a paced replay: timers
 * under load would batch arrivals and hide the wait.
 */
function latency(events: Timed[]): { waitMs: number[]; pushMs: number[] } {
  const m = matcher();
  const arrivalOf = new Float64Array(events.length);
  for (const e of events) arrivalOf[e.event.frameNumber] = e.arrivalNs;
  const waitMs: number[] = [];
  const pushMs: number[] = [];
  for (const e of events) {
    const before = performance.now();
    const groups = m.push(e.event);
    const took = performance.now() - before;
    for (const g of groups) {
      const last = Math.max(...g.members.map((mem) => arrivalOf[mem.frameNumber]!));
      waitMs.push((e.arrivalNs - last) / 1e6 + took);
      pushMs.push(took);
    }
  }
  return { waitMs, pushMs };
}

function stats(values: number[]): { min: number; median: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
}

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const events = eventSet();
console.log(`coincidence bench: ${MODULES} modules, ${BACKGROUND_PER_MODULE} background events/s each + ${PULSES_PER_S} ${MODULES}-module pulses/s, ${SECONDS} s of events (${events.length}), W ${WINDOW_NS} ns, K ${MIN_MODULES}, lateness ${LATENESS_NS} ns, arrival disorder up to ${MAX_DELAY_NS} ns`);
console.log(`load before: ${uptime()}`);
const runs = Array.from({ length: RUNS }, () => throughput(events));
const t = stats(runs.map((r) => r.perS));
console.log(`throughput events/s: min ${t.min.toFixed(0)} median ${t.median.toFixed(0)} max ${t.max.toFixed(0)} (groups ${runs[0]!.groups}, ${pulses} pulses injected, late ${runs[0]!.late})`);
const lat = Array.from({ length: RUNS }, () => latency(events));
const fmt = (x: { min: number; median: number; max: number }, digits: number) => `min ${x.min.toFixed(digits)} median ${x.median.toFixed(digits)} max ${x.max.toFixed(digits)}`;
const wait = stats(lat.map((r) => stats(r.waitMs).median));
const push = stats(lat.map((r) => stats(r.pushMs).median));
const spread = stats(lat[0]!.waitMs);
console.log(`added latency ms (last member's arrival -> group emitted; median per run over ${RUNS} runs): ${fmt(wait, 3)}; over the groups of one run: ${fmt(spread, 3)} (W + lateness = ${Number(WINDOW_NS + LATENESS_NS) / 1e6} ms by design)`);
console.log(`of which computing, the emitting push() ms (median per run): ${fmt(push, 4)}`);
console.log(`load after: ${uptime()}`);
