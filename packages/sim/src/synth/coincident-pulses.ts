// Injected coincidences: optical pulses seen by several modules within a few nanoseconds, the
// known answers a coincidence search is checked against. The pulses are a pure function of
// (seed, absolute second), not of when a simulation started, so separate simulations (one per
// `daq up` node, or two data directories in a test) with the same seed inject the same pulses
// into their own modules, and a search across nodes finds them.
import { QUABOS_PER_MODULE } from '@daqdata/core';
import { seededRandom } from './random.js';

export interface CoincidenceInjection {
  /** Mean pulses per second (Poisson), 0 < rate <= MAX_COINCIDENT_RATE. */
  rate: number;
  /** Modules each pulse is seen by; a simulation injects into those of them it writes. */
  modules: readonly number[];
  /** Each module sees the pulse at its time plus 0..spreadNs ns (integer, 0..MAX_SPREAD_NS; default 100). */
  spreadNs?: number;
  seed?: number;
}

export interface CoincidentPulseMember {
  moduleId: number;
  /** The quadrant board that sees it. */
  quabo: number;
  /** White Rabbit time of this module's event, Unix ns. */
  timeNs: bigint;
}

export interface CoincidentPulse {
  /** `<unix second>.<index in that second>`: the same pulse has the same id in every simulation. */
  id: string;
  /** The pulse's time, Unix ns; every member is at or up to spreadNs after it. */
  timeNs: bigint;
  members: CoincidentPulseMember[];
}

export const MAX_COINCIDENT_RATE = 1000;
export const MAX_SPREAD_NS = 1_000_000;
export const DEFAULT_SPREAD_NS = 100;
/**
 * Pulses closer than this are dropped (and never written): two pulses within a coincidence
 * window of each other would be one group, and the truth would not be a known answer.
 */
export const MIN_PULSE_SEPARATION_NS = 2_000_000;
const NS_PER_S = 1_000_000_000n;

/** Checks an injection's numbers; throws RangeError naming the field. */
export function checkInjection(inj: CoincidenceInjection): Required<CoincidenceInjection> {
  if (!(inj.rate > 0 && inj.rate <= MAX_COINCIDENT_RATE)) throw new RangeError(`coincident rate must be above 0 and at most ${MAX_COINCIDENT_RATE} pulses per second, got ${inj.rate}`);
  const spreadNs = inj.spreadNs ?? DEFAULT_SPREAD_NS;
  if (!Number.isInteger(spreadNs) || spreadNs < 0 || spreadNs > MAX_SPREAD_NS) throw new RangeError(`coincident spread must be an integer 0..${MAX_SPREAD_NS} ns, got ${inj.spreadNs}`);
  if (inj.modules.length === 0) throw new RangeError('coincident modules: at least one module is needed');
  const bad = inj.modules.find((m) => !Number.isInteger(m) || m < 0 || m > 0xffffffff);
  if (bad !== undefined) throw new RangeError(`coincident modules: ${bad} is not a module id`);
  return { rate: inj.rate, modules: [...new Set(inj.modules)].sort((a, b) => a - b), spreadNs, seed: inj.seed ?? 1 };
}

/** The injection with the run's seed when it has none of its own. */
export function seededInjection(inj: CoincidenceInjection, runSeed: number | undefined): CoincidenceInjection {
  return inj.seed === undefined && runSeed !== undefined ? { ...inj, seed: runSeed } : inj;
}

/** FNV-1a over the parts: a stable seed per (seed, second[, pulse, module]). */
function mix(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) for (const ch of String(p)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/** The pulse times in one Unix second, as ns offsets into it, sorted and at least the separation apart. */
function pulseOffsets(inj: Required<CoincidenceInjection>, second: number): number[] {
  const random = seededRandom(mix(inj.seed, second));
  const n = random.poisson(inj.rate);
  const span = 1e9 - MIN_PULSE_SEPARATION_NS - inj.spreadNs;
  const raw = Array.from({ length: n }, () => Math.floor(random.uniform() * span)).sort((a, b) => a - b);
  const kept: number[] = [];
  for (const t of raw) if (kept.length === 0 || t - kept[kept.length - 1]! >= MIN_PULSE_SEPARATION_NS) kept.push(t);
  return kept;
}

/** Pulses after fromNs, in time order, with members for the given modules only (all of inj.modules when omitted). */
export function* coincidentPulses(injection: CoincidenceInjection, fromNs: bigint, onlyModules?: readonly number[]): Generator<CoincidentPulse, never, undefined> {
  const inj = checkInjection(injection);
  const modules = onlyModules ? inj.modules.filter((m) => onlyModules.includes(m)) : inj.modules;
  for (let second = Number(fromNs / NS_PER_S); ; second++) {
    const offsets = pulseOffsets(inj, second);
    for (let k = 0; k < offsets.length; k++) {
      const timeNs = BigInt(second) * NS_PER_S + BigInt(offsets[k]!);
      if (timeNs <= fromNs) continue;
      const members = modules.map((moduleId) => {
        // Per (pulse, module), so a module's member is the same whichever other modules a simulation writes.
        const random = seededRandom(mix(inj.seed, second, k, moduleId));
        return { moduleId, quabo: random.int(QUABOS_PER_MODULE), timeNs: timeNs + BigInt(random.int(inj.spreadNs + 1)) };
      });
      yield { id: `${second}.${k}`, timeNs, members };
    }
  }
}
