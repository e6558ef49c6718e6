// The recorder's header text, byte for byte (REFERENCE section 3). Fields are printed
// right-aligned at fixed widths so that every header in a file has the same length; a value
// too wide for its field would shift every later frame, so it is refused rather than printed.
import type { DataProductInfo } from './data-product.js';
import { isFlatHeader, type FrameHeader, type QuaboPacket } from './header.js';
import { QUABO_KEYS } from './header-fields.js';

/** Printed width of each packet field. */
export const FIELD_WIDTHS: Readonly<Record<keyof QuaboPacket, number>> = {
  pkt_num: 10,
  pkt_tai: 4,
  pkt_nsec: 9,
  tv_sec: 10,
  tv_usec: 6,
};

function field(name: keyof QuaboPacket, value: number, where: string): string {
  const width = FIELD_WIDTHS[name];
  const text = String(value);
  if (!Number.isSafeInteger(value) || value < 0 || text.length > width) {
    throw new RangeError(`${where}${name} = ${value} does not fit the recorder's ${width}-character field`);
  }
  return `"${name}": ${text.padStart(width)}`;
}

/** `"pkt_num": ..., "tv_usec": ...` of one packet. */
function packetText(p: QuaboPacket, where: string): string {
  return (Object.keys(FIELD_WIDTHS) as Array<keyof QuaboPacket>).map((name) => field(name, p[name], where)).join(', ');
}

/** Header text exactly as the recorder writes it, ending with "\n\n". */
export function formatHeader(header: FrameHeader, dp: DataProductInfo): string {
  if (dp.headerLayout === 'flat') {
    if (!isFlatHeader(header)) throw new TypeError(`${dp.name} needs a flat header with quabo_num`);
    const q = header.quabo_num;
    if (!Number.isInteger(q) || q < 0 || q > 3) throw new RangeError(`quabo_num = ${q}, expected 0-3`);
    return `{ "quabo_num": ${q}, ${packetText(header, '')}}\n\n`;
  }
  if (isFlatHeader(header)) throw new TypeError(`${dp.name} needs one header entry per quabo (quabo_0..quabo_3)`);
  const lines = QUABO_KEYS.map((key) => `   "${key}": { ${packetText(header[key], `${key}.`)}}`);
  return `{\n${lines.join(',\n')}\n}\n\n`;
}
