// Exact frame time from White Rabbit fields (REFERENCE section 4), in bigint nanoseconds:
// a float64 of Unix seconds cannot hold nanoseconds.
import type { QuaboPacket } from '../pff/header.js';

/** TAI - UTC in seconds, in force since 2017. */
export const TAI_MINUS_UTC = 37;
const NS_PER_S = 1_000_000_000n;

export type WhiteRabbitTime =
  | { readonly synchronised: true; readonly unixNs: bigint }
  | {
      readonly synchronised: false;
      /** (tv_sec - pkt_tai + 37) mod 1024: 0, 1 or 1023 when the clocks agree. */
      readonly d: number;
      readonly reason: string;
    };

/** WR time of a packet, or "not synchronised" when the two clocks disagree by more than a second. */
export function whiteRabbitTime(p: Pick<QuaboPacket, 'pkt_tai' | 'pkt_nsec' | 'tv_sec'>): WhiteRabbitTime {
  const d = (((p.tv_sec - p.pkt_tai + TAI_MINUS_UTC) % 1024) + 1024) % 1024;
  const sec = d === 0 ? p.tv_sec : d === 1 ? p.tv_sec - 1 : d === 1023 ? p.tv_sec + 1 : undefined;
  if (sec === undefined) {
    return {
      synchronised: false,
      d,
      reason: `White Rabbit clock not synchronised: pkt_tai ${p.pkt_tai} and tv_sec ${p.tv_sec} disagree (d = ${d}, expected 0, 1 or 1023)`,
    };
  }
  return { synchronised: true, unixNs: BigInt(sec) * NS_PER_S + BigInt(p.pkt_nsec) };
}

/** The DAQ computer's arrival clock, tv_sec + tv_usec, in nanoseconds: the fallback clock. */
export function arrivalUnixNs(p: Pick<QuaboPacket, 'tv_sec' | 'tv_usec'>): bigint {
  return BigInt(p.tv_sec) * NS_PER_S + BigInt(p.tv_usec) * 1000n;
}

export interface FrameTime {
  /** White Rabbit time, or null when the WR clock was not synchronised. */
  readonly wrUnixNs: bigint | null;
  readonly wrSynchronised: boolean;
  readonly arrivalUnixNs: bigint;
  /** The best clock: WR when synchronised, else arrival. */
  readonly unixNs: bigint;
  /** unixNs as ISO-8601 with nanoseconds, e.g. 2025-08-02T05:32:08.985339000Z. */
  readonly iso: string;
}

export function frameTime(p: QuaboPacket): FrameTime {
  const wr = whiteRabbitTime(p);
  const arrival = arrivalUnixNs(p);
  const unixNs = wr.synchronised ? wr.unixNs : arrival;
  return {
    wrUnixNs: wr.synchronised ? wr.unixNs : null,
    wrSynchronised: wr.synchronised,
    arrivalUnixNs: arrival,
    unixNs,
    iso: isoFromUnixNs(unixNs),
  };
}

/** The last whole second isoFromUnixNs formatted, and its date-time prefix ("YYYY-MM-DDTHH:MM:SS"). */
let prefixSecond: bigint | null = null;
let prefixText = '';

/**
 * ISO-8601 UTC with all nine fractional digits. Frames come many per second (every-frame
 * streams: tens of thousands), so the Date formatting of the whole second is done once per
 * second and kept; only the nanosecond digits are made per call. The prefix is the same
 * expression as before (the text is identical, errors included: a Date out of range throws
 * before the cache changes).
 */
export function isoFromUnixNs(ns: bigint): string {
  let sec = ns / NS_PER_S;
  let frac = ns % NS_PER_S;
  if (frac < 0n) {
    frac += NS_PER_S;
    sec -= 1n;
  }
  if (sec !== prefixSecond) {
    prefixText = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
    prefixSecond = sec;
  }
  return `${prefixText}.${String(Number(frac)).padStart(9, '0')}Z`;
}
