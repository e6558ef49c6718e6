// An endless, time-ordered stream of synthetic frames for one module and data product: movie
// frames at a fixed frame rate, pulse-height events at random (Poisson) times. Pure apart from
// the seeded PRNG, so a seed reproduces a stream exactly.
import { DATA_PRODUCTS, type DataProduct, type FrameHeader, type Pixels, type QuaboHeader } from '@daqdata/core';
import { coincidentPulses, type CoincidenceInjection } from './coincident-pulses.js';
import { PacketCounters, PKT_NUM_MODULUS, quaboPacket } from './packet-clock.js';
import { drawEvent, moduleImage, quaboImage, type PulseHeightEvent } from './pulse-height.js';
import { seededRandom, type Random } from './random.js';
import { createSky, movieImage, pulsarStar, type PulsarOptions } from './sky-model.js';

/** One frame to be written: its header and pixels, and the time that schedules it. */
export interface SimFrame {
  moduleId: number;
  dataProduct: DataProduct;
  /** White Rabbit time of the frame, Unix nanoseconds. */
  timeNs: bigint;
  header: FrameHeader;
  pixels: Pixels;
  /** An injected coincident pulse's id (coincident-pulses.ts); absent for background frames. */
  pulseId?: string;
}

export interface SyntheticStreamOptions {
  moduleId: number;
  dataProduct: DataProduct;
  /** Time of the first movie frame (Unix ns); pulse-height events start after it. */
  startNs: bigint;
  /** Movie: frames per second. Pulse-height: mean events per second. */
  rate: number;
  seed?: number;
  /** pkt_num of quabo 0's first packet (the others follow it); random when omitted. */
  firstPktNum?: number;
  /** Number of drifting stars in movie frames. */
  stars?: number;
  /** Movie: a pulsing star added to the sky (its options are the truth). */
  pulsar?: PulsarOptions;
  /** Pulse-height: coincident pulses injected on top of the background events (this module's share of them). */
  coincidences?: CoincidenceInjection;
}

const NS_PER_S = 1e9;

/** A distinct, stable seed per (seed, module, data product), so modules do not show the same sky. */
export function streamSeed(seed: number, moduleId: number, dataProduct: DataProduct): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const ch of `${moduleId}/${dataProduct}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/** Each quabo's packet arrives a few microseconds after the frame time, the boards slightly staggered. */
function latencyNs(random: Random, quabo: number): bigint {
  return BigInt(2_000 + 600 * quabo + random.int(3_000));
}

function quaboHeader(timeNs: bigint, counters: PacketCounters, random: Random): QuaboHeader {
  const packet = (q: number) => quaboPacket(timeNs, counters.next(q), latencyNs(random, q));
  return { quabo_0: packet(0), quabo_1: packet(1), quabo_2: packet(2), quabo_3: packet(3) };
}

export function* syntheticFrames(opts: SyntheticStreamOptions): Generator<SimFrame, never, undefined> {
  if (!(opts.rate > 0) || !Number.isFinite(opts.rate)) {
    throw new RangeError(`rate must be a positive number of frames per second, got ${opts.rate}`);
  }
  const dp = DATA_PRODUCTS[opts.dataProduct];
  if (!dp) throw new RangeError(`unknown data product "${opts.dataProduct}"`);
  const random = seededRandom(streamSeed(opts.seed ?? 1, opts.moduleId, opts.dataProduct));
  const first = opts.firstPktNum ?? random.int(PKT_NUM_MODULUS);
  const counters = new PacketCounters([0, 1, 2, 3].map((q) => first + q * 7));
  const base = { moduleId: opts.moduleId, dataProduct: dp.name };

  if (dp.kind === 'movie') {
    const sky = createSky(random, dp, opts.stars);
    if (opts.pulsar) sky.stars.push(pulsarStar(opts.pulsar));
    for (let k = 0; ; k++) {
      const offsetNs = Math.round((k * NS_PER_S) / opts.rate);
      const timeNs = opts.startNs + BigInt(offsetNs);
      yield { ...base, timeNs, header: quaboHeader(timeNs, counters, random), pixels: movieImage(sky, offsetNs / NS_PER_S, dp, random) };
    }
  }

  // Injected pulses draw from their own generator, so the background is the same with or without them.
  const injectedRandom = seededRandom(streamSeed((opts.seed ?? 1) ^ 0x5bd1e995, opts.moduleId, opts.dataProduct));
  const pulses = opts.coincidences?.modules.includes(opts.moduleId) ? coincidentPulses(opts.coincidences, opts.startNs, [opts.moduleId]) : undefined;
  let pulse = pulses?.next().value;
  let backgroundNs = opts.startNs;
  const nextBackground = () => (backgroundNs += BigInt(Math.max(1_000, Math.round(random.exponential(opts.rate) * NS_PER_S))));
  nextBackground();
  const frame = (timeNs: bigint, event: PulseHeightEvent, r: Random, pulseId?: string): SimFrame => {
    const tag = pulseId !== undefined ? { pulseId } : {};
    if (dp.headerLayout === 'flat') {
      const header = { quabo_num: event.quabo, ...quaboPacket(timeNs, counters.next(event.quabo), latencyNs(r, event.quabo)) };
      return { ...base, timeNs, header, pixels: quaboImage(event, r), ...tag };
    }
    return { ...base, timeNs, header: quaboHeader(timeNs, counters, r), pixels: moduleImage(event, r), ...tag };
  };
  for (;;) {
    const member = pulse?.members[0];
    if (member && member.timeNs < backgroundNs) {
      yield frame(member.timeNs, { ...drawEvent(injectedRandom), quabo: member.quabo }, injectedRandom, pulse!.id);
      pulse = pulses!.next().value;
      continue;
    }
    yield frame(backgroundNs, drawEvent(random), random);
    nextBackground();
  }
}
