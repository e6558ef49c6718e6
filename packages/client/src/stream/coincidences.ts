// Coincidences across modules: groups of pulse-height events from at least K distinct modules
// (or nodes) whose White Rabbit times lie within a window W. Pure logic, no I/O and no clock:
// push events in arrival order, get the groups that became certain. The async-iterable and
// RxJS faces (coincidence-stream.ts) are thin loops over this one class.
//
// The rule (the same one the brute-force reference in the tests applies to a whole set):
// take the events in time order; the earliest event not yet used anchors a window
// [t0, t0 + W]. If the events in that window come from at least K distinct modules, they form
// a group and are all used; otherwise the anchor is dropped (it starts no group) and the next
// event anchors. So a group spans at most W, and no event is in two groups.
//
// Live streams from several nodes arrive out of time order, so an anchor is decided only once
// the newest time seen is more than W + lateness past it: an event older than that cannot
// change a decision any more. Everything decided is released, so memory holds only the last
// W + lateness of events (and at most maxPendingPerModule per module, see below).
import { quaboAtModulePixel, QUABO_SIZE, type ParsedImage } from '@daqdata/core';

/** What the matcher reads of an image: a ParsedImage, or anything with these fields. */
export type CoincidenceEvent = Pick<ParsedImage, 'type' | 'dataProduct' | 'host' | 'moduleId' | 'quabo' | 'pixels' | 'shape' | 'time' | 'frameNumber' | 'file'>;

export interface CoincidenceOptions {
  /** W: the largest span of a group, in nanoseconds (1 ns .. 10 s). */
  windowNs: bigint | number;
  /** K: the fewest distinct modules (or nodes, with by: 'node') a group must have (1 .. 4096). */
  minModules: number;
  /** Count distinct modules (default) or distinct nodes (hosts). */
  by?: 'module' | 'node';
  /**
   * Events whose White Rabbit clock is not synchronised: 'exclude' (default) leaves them out
   * (counted in stats.unsynchronised); 'arrival' matches them among themselves on their arrival
   * clock (microseconds), in groups flagged clock: 'arrival'. They are never grouped with
   * synchronised events.
   */
  unsynchronised?: 'exclude' | 'arrival';
  /** How far (ns) an event may arrive behind the newest time seen and still be matched (0 .. 60 s; default 100 ms). */
  latenessNs?: bigint | number;
  /**
   * At most this many undecided events per module (1 .. 1 000 000; default 10 000). A module
   * past it (a flood, or a clock far ahead) forces the oldest anchors to be decided early
   * (stats.forced); events that then arrive for decided times count as late.
   */
  maxPendingPerModule?: number;
}

export interface PeakPixel {
  /** Row-major index in the image's pixels. */
  index: number;
  row: number;
  col: number;
  value: number;
}

export interface CoincidenceMember {
  host: string;
  moduleId: number;
  dataProduct: ParsedImage['dataProduct'];
  /** The quadrant board: ph256's quabo_num, or for ph1024 the board under the peak pixel. */
  quabo: number;
  /** The time the event was matched on: White Rabbit, or arrival for clock: 'arrival' groups. */
  timeNs: bigint;
  wrSynchronised: boolean;
  peak: PeakPixel;
  file: string;
  frameNumber: number;
}

export interface CoincidenceGroup {
  /** 'white-rabbit', or 'arrival' when the members' WR clocks were unsynchronised (opt-in). */
  clock: 'white-rabbit' | 'arrival';
  /** Members in time order (ties by module, then node). */
  members: CoincidenceMember[];
  startNs: bigint;
  endNs: bigint;
  /** endNs - startNs, never above the window. */
  spanNs: bigint;
  /** Distinct module ids, ascending. */
  modules: number[];
  /** Distinct nodes (hosts), sorted. */
  nodes: string[];
}

export interface CoincidenceStats {
  /** Every event pushed. */
  events: number;
  /** Movie frames, ignored. */
  notPulseHeight: number;
  /** Pulse-height events without timing fields. */
  untimed: number;
  /** Unsynchronised WR clock, left out (unsynchronised: 'exclude'). */
  unsynchronised: number;
  /** Arrived for a time already decided: not matched. */
  late: number;
  /** Anchors decided early because a module had maxPendingPerModule events waiting. */
  forced: number;
  groups: number;
  /** Events in emitted groups. */
  grouped: number;
  /** Events waiting for a decision now. */
  pending: number;
}

const MAX_WINDOW_NS = 10_000_000_000n;
const MAX_LATENESS_NS = 60_000_000_000n;
const MAX_MIN_MODULES = 4096;
const MAX_PENDING_LIMIT = 1_000_000;
export const DEFAULT_LATENESS_NS = 100_000_000n;
export const DEFAULT_MAX_PENDING_PER_MODULE = 10_000;

function nsOption(name: string, value: bigint | number, min: bigint, max: bigint): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`coincidences: ${name} must be an integer number of nanoseconds, got ${value}`);
  const ns = BigInt(value);
  if (ns < min || ns > max) throw new RangeError(`coincidences: ${name} must be ${min} .. ${max} ns, got ${ns}`);
  return ns;
}

function intOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`coincidences: ${name} must be an integer ${min} .. ${max}, got ${value}`);
  return value;
}

/** Brightest pixel (first one on ties) and, when the image has no quabo_num, the board under it. */
export function peakPixel(pixels: ArrayLike<number>, cols: number): PeakPixel {
  let index = 0;
  let value = pixels[0] ?? 0;
  for (let i = 1; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (v > value) {
      value = v;
      index = i;
    }
  }
  return { index, row: Math.floor(index / cols), col: index % cols, value };
}

function quaboOf(event: CoincidenceEvent, peak: PeakPixel): number {
  if (event.quabo !== undefined) return event.quabo;
  return event.shape[0] > QUABO_SIZE ? quaboAtModulePixel(peak.row, peak.col) : 0;
}

/** One clock's events waiting for a decision, in time order. */
class WindowPool {
  private events: CoincidenceMember[] = [];
  private head = 0;
  private newestNs: bigint | undefined;
  /** t0 + W of the last decided anchor: an event at or before it would change a decision already made. */
  private decidedEndNs: bigint | undefined;
  private readonly pendingPerModule = new Map<string | number, number>();

  constructor(
    private readonly clock: CoincidenceGroup['clock'],
    private readonly o: Required<Pick<CoincidenceOptions, 'minModules' | 'by' | 'maxPendingPerModule'>> & { windowNs: bigint; latenessNs: bigint },
    private readonly stats: CoincidenceStats,
  ) {}

  get pending(): number {
    return this.events.length - this.head;
  }

  private key(m: CoincidenceMember): string | number {
    return this.o.by === 'node' ? m.host : m.moduleId;
  }

  push(m: CoincidenceMember, out: CoincidenceGroup[]): void {
    if (this.decidedEndNs !== undefined && m.timeNs <= this.decidedEndNs) {
      this.stats.late++;
      return;
    }
    // Sorted insert, searching from the end: arrivals are nearly in time order.
    let i = this.events.length;
    while (i > this.head && this.events[i - 1]!.timeNs > m.timeNs) i--;
    this.events.splice(i, 0, m);
    this.stats.pending++;
    const moduleCount = (this.pendingPerModule.get(m.moduleId) ?? 0) + 1;
    this.pendingPerModule.set(m.moduleId, moduleCount);
    if (this.newestNs === undefined || m.timeNs > this.newestNs) this.newestNs = m.timeNs;
    this.decide(this.newestNs - this.o.latenessNs, out);
    while ((this.pendingPerModule.get(m.moduleId) ?? 0) > this.o.maxPendingPerModule) {
      this.stats.forced++;
      this.decideAnchor(out);
    }
    this.compact();
  }

  /** Decides every anchor: the input has ended (or the caller gives up waiting for stragglers). */
  flush(out: CoincidenceGroup[]): void {
    while (this.head < this.events.length) this.decideAnchor(out);
    this.compact();
  }

  /** Decides the anchors whose window closed before the watermark. */
  private decide(watermarkNs: bigint, out: CoincidenceGroup[]): void {
    while (this.head < this.events.length && this.events[this.head]!.timeNs + this.o.windowNs < watermarkNs) this.decideAnchor(out);
  }

  private decideAnchor(out: CoincidenceGroup[]): void {
    const t0 = this.events[this.head]!.timeNs;
    const endNs = t0 + this.o.windowNs;
    const keys = new Set<string | number>();
    let j = this.head;
    for (; j < this.events.length && this.events[j]!.timeNs <= endNs; j++) keys.add(this.key(this.events[j]!));
    this.decidedEndNs = endNs;
    if (keys.size >= this.o.minModules) {
      out.push(this.group(this.events.slice(this.head, j)));
      for (let k = this.head; k < j; k++) this.release(this.events[k]!);
      this.head = j;
    } else {
      this.release(this.events[this.head]!);
      this.head++;
    }
  }

  private release(m: CoincidenceMember): void {
    this.stats.pending--;
    const n = this.pendingPerModule.get(m.moduleId)! - 1;
    if (n === 0) this.pendingPerModule.delete(m.moduleId);
    else this.pendingPerModule.set(m.moduleId, n);
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  private group(members: CoincidenceMember[]): CoincidenceGroup {
    members.sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : a.moduleId - b.moduleId || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0)));
    const startNs = members[0]!.timeNs;
    const endNs = members[members.length - 1]!.timeNs;
    this.stats.groups++;
    this.stats.grouped += members.length;
    return {
      clock: this.clock,
      members,
      startNs,
      endNs,
      spanNs: endNs - startNs,
      modules: [...new Set(members.map((m) => m.moduleId))].sort((a, b) => a - b),
      nodes: [...new Set(members.map((m) => m.host))].sort(),
    };
  }
}

export class CoincidenceMatcher {
  readonly stats: CoincidenceStats = { events: 0, notPulseHeight: 0, untimed: 0, unsynchronised: 0, late: 0, forced: 0, groups: 0, grouped: 0, pending: 0 };
  private readonly wr: WindowPool;
  private readonly arrival: WindowPool | undefined;

  constructor(options: CoincidenceOptions) {
    const by = options.by ?? 'module';
    if (by !== 'module' && by !== 'node') throw new RangeError(`coincidences: by must be 'module' or 'node', got ${String(by)}`);
    const unsynchronised = options.unsynchronised ?? 'exclude';
    if (unsynchronised !== 'exclude' && unsynchronised !== 'arrival') throw new RangeError(`coincidences: unsynchronised must be 'exclude' or 'arrival', got ${String(unsynchronised)}`);
    const o = {
      windowNs: nsOption('windowNs', options.windowNs, 1n, MAX_WINDOW_NS),
      latenessNs: nsOption('latenessNs', options.latenessNs ?? DEFAULT_LATENESS_NS, 0n, MAX_LATENESS_NS),
      minModules: intOption('minModules', options.minModules, 1, MAX_MIN_MODULES),
      maxPendingPerModule: intOption('maxPendingPerModule', options.maxPendingPerModule ?? DEFAULT_MAX_PENDING_PER_MODULE, 1, MAX_PENDING_LIMIT),
      by,
    };
    this.wr = new WindowPool('white-rabbit', o, this.stats);
    this.arrival = unsynchronised === 'arrival' ? new WindowPool('arrival', o, this.stats) : undefined;
  }

  /** Takes one event (in arrival order); returns the groups it made certain, oldest first. */
  push(event: CoincidenceEvent): CoincidenceGroup[] {
    this.stats.events++;
    const out: CoincidenceGroup[] = [];
    if (event.type !== 'pulse-height') {
      this.stats.notPulseHeight++;
      return out;
    }
    const time = event.time;
    if (time === null) {
      this.stats.untimed++;
      return out;
    }
    const synchronised = time.wrSynchronised && time.wrUnixNs !== null;
    const pool = synchronised ? this.wr : this.arrival;
    if (!pool) {
      this.stats.unsynchronised++;
      return out;
    }
    const peak = peakPixel(event.pixels, event.shape[1]);
    pool.push(
      {
        host: event.host,
        moduleId: event.moduleId,
        dataProduct: event.dataProduct,
        quabo: quaboOf(event, peak),
        timeNs: synchronised ? time.wrUnixNs! : time.arrivalUnixNs,
        wrSynchronised: synchronised,
        peak,
        file: event.file,
        frameNumber: event.frameNumber,
      },
      out,
    );
    return out;
  }

  /** Decides everything still waiting (end of input): returns the last groups. */
  flush(): CoincidenceGroup[] {
    const out: CoincidenceGroup[] = [];
    this.wr.flush(out);
    this.arrival?.flush(out);
    return out;
  }
}
