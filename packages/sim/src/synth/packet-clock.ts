// The packet fields a quabo stamps on each frame (REFERENCE sections 3-4), made consistent the
// way a White-Rabbit-locked board and its DAQ computer make them: pkt_tai/pkt_nsec are the
// frame's TAI time (low 10 bits of the seconds), tv_sec/tv_usec the arrival a few microseconds
// later on a UTC clock, so whiteRabbitTime() finds the clocks synchronised.
import { TAI_MINUS_UTC, type QuaboPacket } from '@daqdata/core';

const NS_PER_S = 1_000_000_000n;
/** pkt_num is a 16-bit counter. */
export const PKT_NUM_MODULUS = 65_536;

/** A quabo packet for a frame whose White Rabbit (UTC) time is timeNs, arriving latencyNs later. */
export function quaboPacket(timeNs: bigint, pktNum: number, latencyNs: bigint): QuaboPacket {
  const sec = timeNs / NS_PER_S;
  const arrivalNs = timeNs + latencyNs;
  return {
    pkt_num: pktNum % PKT_NUM_MODULUS,
    pkt_tai: Number((sec + BigInt(TAI_MINUS_UTC)) % 1024n),
    pkt_nsec: Number(timeNs % NS_PER_S),
    tv_sec: Number(arrivalNs / NS_PER_S),
    tv_usec: Number((arrivalNs % NS_PER_S) / 1000n),
  };
}

/** Per-quabo packet counters: each of the four boards counts its own packets and wraps at 16 bits. */
export class PacketCounters {
  private readonly counts: number[];

  constructor(first: readonly number[]) {
    this.counts = [0, 1, 2, 3].map((q) => (first[q] ?? 0) % PKT_NUM_MODULUS);
  }

  /** The quabo's next pkt_num; advances and wraps its counter. */
  next(quabo: number): number {
    const n = this.counts[quabo]!;
    this.counts[quabo] = (n + 1) % PKT_NUM_MODULUS;
    return n;
  }
}
