// Frame headers (REFERENCE section 3): the recorder's JSON object before each frame's pixels.
import { PACKET_FIELDS } from './header-fields.js';

/** One quabo's packet fields. */
export interface QuaboPacket {
  /** Packet counter, 16-bit, wraps. */
  pkt_num: number;
  /** White Rabbit TAI seconds, low 10 bits only. */
  pkt_tai: number;
  /** Nanoseconds within that White Rabbit second. */
  pkt_nsec: number;
  /** DAQ computer's Unix clock at arrival: seconds and microseconds. */
  tv_sec: number;
  tv_usec: number;
}

/** ph256: one quabo, flat, with the quadrant it came from. */
export interface FlatHeader extends QuaboPacket {
  quabo_num: number;
}

/** img16 / img8 / ph1024: one entry per quadrant board. */
export interface QuaboHeader {
  quabo_0: QuaboPacket;
  quabo_1: QuaboPacket;
  quabo_2: QuaboPacket;
  quabo_3: QuaboPacket;
}

export type FrameHeader = FlatHeader | QuaboHeader;

export function isFlatHeader(h: FrameHeader): h is FlatHeader {
  return (h as FlatHeader).quabo_num !== undefined;
}

/**
 * The packet whose clock times the frame: the flat header itself, or quabo_0 (REFERENCE section
 * 4). Flat only when the packet fields are at the top: a per-quabo header that also carries a
 * quabo_num key (extra keys are kept as written) is timed by quabo_0, not read as a flat one
 * (whose missing fields made frameTime throw a TypeError on such a header).
 */
export function timingPacket(h: FrameHeader): QuaboPacket {
  return isFlatHeader(h) && PACKET_FIELDS.every((f) => typeof (h as unknown as Record<string, unknown>)[f] === 'number') ? h : (h as QuaboHeader).quabo_0;
}
