// PanoImages as a node would send them: img16 frames with four quabo headers and ph256
// events with a flat header, White Rabbit synchronised, pixel values from a seed.
import { PanoImage_Type, type PanoImage } from '@daqdata/core';

const TV_SEC = 1_754_112_728;

function packet(seq: number) {
  const tv_sec = TV_SEC + seq;
  // pkt_tai = low 10 bits of TAI = UTC + 37: d = 0, synchronised.
  return { pkt_num: seq & 0xffff, pkt_tai: (tv_sec + 37) % 1024, pkt_nsec: 123_456_789 + seq, tv_sec, tv_usec: 500_000 + seq };
}

export function movieImage(moduleId: number, seq: number): PanoImage {
  const p = packet(seq);
  return {
    type: PanoImage_Type.MOVIE,
    header: { quabo_0: p, quabo_1: p, quabo_2: p, quabo_3: p },
    imageArray: Array.from({ length: 1024 }, (_, i) => (i * 7 + moduleId * 131 + seq * 17) % 4000),
    shape: [32, 32],
    bytesPerPixel: 2,
    file: `start_2025-08-02T05_31_36Z.dp_img16.bpp_2.module_${moduleId}.seqno_0.pff`,
    frameNumber: seq,
    moduleId,
  };
}

export function ph256Image(moduleId: number, quabo: number, seq: number): PanoImage {
  // int16 pixels, some negative, sent as their 16-bit two's complement.
  const pixels = Array.from({ length: 256 }, (_, i) => ((i * 13 + seq) % 600) - 100);
  pixels[8 * 16 + 8] = 3000 + seq;
  return {
    type: PanoImage_Type.PULSE_HEIGHT,
    header: { quabo_num: quabo, ...packet(seq) },
    imageArray: pixels.map((v) => v & 0xffff),
    shape: [16, 16],
    bytesPerPixel: 2,
    file: `start_2025-08-02T05_31_36Z.dp_ph256.bpp_2.module_${moduleId}.seqno_0.pff`,
    frameNumber: seq,
    moduleId,
  };
}
