// Synthetic frames for several modules and data products as one timeline, encoded as the
// recorder writes them. Frame times start at startNs (normally "now"), so the White Rabbit
// times in the headers match the wall clock when played at speed 1.
import { DATA_PRODUCTS, encodeFrame, type DataProduct } from '@daqdata/core';
import { asAsync, mergeByTime } from '../schedule/merge-by-time.js';
import type { TimedFrame } from '../schedule/timed-frame.js';
import { coincidentPulses, seededInjection, type CoincidenceInjection, type CoincidentPulse } from './coincident-pulses.js';
import type { SyntheticTimedFrame } from './coincidence-truth.js';
import { syntheticFrames, type SimFrame } from './synthetic-stream.js';
import type { PulsarOptions } from './sky-model.js';

export interface SyntheticRunOptions {
  modules: readonly number[];
  dataProducts: readonly DataProduct[];
  /** Movie frames per second per module. */
  frameRate: number;
  /** Mean pulse-height events per second per module and product. */
  eventRate?: number;
  seed?: number;
  startNs: bigint;
  firstPktNum?: number;
  /** Coincident pulses injected into the pulse-height products of those of its modules the run writes. */
  coincidences?: CoincidenceInjection;
  /** A pulsing star in every module's movie frames (the options are the truth). */
  pulsar?: PulsarOptions;
}

export const DEFAULT_EVENT_RATE = 2;

export function syntheticStreams(opts: SyntheticRunOptions): Array<Generator<SimFrame, never, undefined>> {
  if (opts.modules.length === 0) throw new RangeError('synthetic run needs at least one module');
  if (opts.dataProducts.length === 0) throw new RangeError('synthetic run needs at least one data product');
  return opts.modules.flatMap((moduleId) =>
    opts.dataProducts.map((dataProduct) =>
      syntheticFrames({
        moduleId,
        dataProduct,
        startNs: opts.startNs,
        rate: DATA_PRODUCTS[dataProduct].kind === 'movie' ? opts.frameRate : (opts.eventRate ?? DEFAULT_EVENT_RATE),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.firstPktNum !== undefined ? { firstPktNum: opts.firstPktNum } : {}),
        ...(opts.coincidences ? { coincidences: seededInjection(opts.coincidences, opts.seed) } : {}),
        ...(opts.pulsar ? { pulsar: opts.pulsar } : {}),
      }),
    ),
  );
}

/**
 * Follows the injected pulses through the merged frames: the frame that is a pulse's last one
 * in this run (every member module, every pulse-height product) carries the pulse.
 */
function pulseCompletion(opts: SyntheticRunOptions): (f: SimFrame) => CoincidentPulse | undefined {
  const inj = opts.coincidences;
  const modules = inj ? opts.modules.filter((m) => inj.modules.includes(m)) : [];
  const products = opts.dataProducts.filter((dp) => DATA_PRODUCTS[dp].kind === 'pulse-height').length;
  if (!inj || modules.length === 0 || products === 0) return () => undefined;
  const pulses = coincidentPulses(seededInjection(inj, opts.seed), opts.startNs, modules);
  const open = new Map<string, { pulse: CoincidentPulse; remaining: number }>();
  return (f) => {
    if (f.pulseId === undefined) return undefined;
    // Pulses are at least MIN_PULSE_SEPARATION_NS apart, so their frames first appear in pulse order.
    while (!open.has(f.pulseId)) {
      const pulse = pulses.next().value;
      open.set(pulse.id, { pulse, remaining: pulse.members.length * products });
    }
    const entry = open.get(f.pulseId)!;
    if (--entry.remaining > 0) return undefined;
    open.delete(f.pulseId);
    return entry.pulse;
  };
}

export async function* syntheticTimeline(opts: SyntheticRunOptions): AsyncGenerator<SyntheticTimedFrame, void, undefined> {
  const completes = pulseCompletion(opts);
  const merged = mergeByTime(syntheticStreams(opts).map((s) => asAsync(s)), (f) => f.timeNs);
  for await (const f of merged) {
    const pulse = completes(f);
    yield {
      moduleId: f.moduleId,
      dataProduct: f.dataProduct,
      offsetNs: f.timeNs - opts.startNs,
      bytes: encodeFrame(f.header, f.pixels, DATA_PRODUCTS[f.dataProduct]),
      ...(pulse ? { completesPulse: pulse } : {}),
    };
  }
}
