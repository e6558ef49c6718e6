// Frame headers (REFERENCE section 3): the recorder's JSON object before each frame's pixels.

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

/** The packet whose clock times the frame: the flat header itself, or quabo_0 (REFERENCE section 4). */
export function timingPacket(h: FrameHeader): QuaboPacket {
  return isFlatHeader(h) ? h : h.quabo_0;
}
