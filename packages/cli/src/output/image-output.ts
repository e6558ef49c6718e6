// How `daq stream` and `daq replay` print images: one summary line each, or NDJSON with the
// parsed fields (bigint nanosecond times as decimal strings, since JSON numbers cannot hold them).
import type { ParsedImage } from '@daqdata/core';

function pixelStats(pixels: ArrayLike<number>): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: pixels.length ? sum / pixels.length : NaN };
}

/** `<time> <clock> <host> module <id> <product>[ quabo q] frame <n> <file> min .. max .. mean ..` */
export function imageSummaryLine(img: ParsedImage): string {
  const time = img.time ? `${img.time.iso} ${img.time.wrSynchronised ? 'WR' : 'arrival-clock'}` : 'time-unknown';
  const quabo = img.quabo !== undefined ? ` quabo ${img.quabo}` : '';
  const s = pixelStats(img.pixels);
  const seq = 'sequence' in img ? ` seq ${String(img.sequence)}` : '';
  return `${time} ${img.host}${seq} module ${img.moduleId} ${img.dataProduct}${quabo} frame ${img.frameNumber} ${img.file} min ${s.min} max ${s.max} mean ${s.mean.toFixed(1)}`;
}

/** The parsed image as plain JSON values. */
export function imageJson(img: ParsedImage): Record<string, unknown> {
  return {
    host: img.host,
    moduleId: img.moduleId,
    type: img.type,
    dataProduct: img.dataProduct,
    file: img.file,
    frameNumber: img.frameNumber,
    shape: img.shape,
    bytesPerPixel: img.bytesPerPixel,
    quabo: img.quabo ?? null,
    time: img.time
      ? {
          wrUnixNs: img.time.wrUnixNs === null ? null : img.time.wrUnixNs.toString(),
          wrSynchronised: img.time.wrSynchronised,
          arrivalUnixNs: img.time.arrivalUnixNs.toString(),
          iso: img.time.iso,
        }
      : null,
    serverTimestamp: img.serverTimestamp ? img.serverTimestamp.toISOString() : null,
    header: img.header,
    pixels: Array.from(img.pixels),
    // Every-frame streams: the node's number for the frame, and the node process that gave it.
    ...('sequence' in img ? { sequence: img.sequence, incarnation: (img as { incarnation?: unknown }).incarnation } : {}),
  };
}

export function imageJsonLine(img: ParsedImage): string {
  return JSON.stringify(imageJson(img), (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
