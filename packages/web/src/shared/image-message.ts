// One image as it travels from `daq web` to the browser: a MessagePack map whose pixels are
// the typed array's raw bytes (a MessagePack bin), never an array of numbers. Encoded once
// per image on the server and sent as is to every browser. Pure, no Node built-ins: the
// browser bundle decodes with the same module.
import { decode, encode } from '@msgpack/msgpack';

export type PixelType = 'u8' | 'u16' | 'i16';
export type TilePixels = Uint8Array | Uint16Array | Int16Array;

export interface TileImage {
  kind: 'movie' | 'pulse-height';
  dataProduct: string;
  host: string;
  moduleId: number;
  file: string;
  frameNumber: number;
  rows: number;
  cols: number;
  /** ph256: the quadrant board the event came from. */
  quabo: number | null;
  pixels: TilePixels;
  /** White Rabbit time in Unix ns as a decimal string (exact; a float64 cannot hold it); null without timing fields. */
  wrUnixNs: string | null;
  wrSynchronised: boolean;
  /** Frame time as ISO text (WR when synchronised, else the DAQ computer's clock). */
  iso: string | null;
  /** When the node sent it (its server timestamp), ms since the epoch; null when absent. */
  nodeSentMs: number | null;
}

/** Bounds on what a message may claim, so a bad message cannot make the page allocate without limit. */
export const MAX_SIDE = 1024;

const PIXEL_BYTES: Record<PixelType, number> = { u8: 1, u16: 2, i16: 2 };

function pixelType(p: TilePixels): PixelType {
  if (p instanceof Uint8Array) return 'u8';
  return p instanceof Int16Array ? 'i16' : 'u16';
}

/** The message bytes of one image. */
export function encodeTileImage(img: TileImage): Uint8Array {
  const { pixels, ...rest } = img;
  // Little-endian on every platform Node and browsers run on; the bytes are the typed array's own.
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return encode({ t: 'image', ...rest, pixelType: pixelType(pixels), pixelBytes: bytes });
}

export class ImageMessageError extends Error {
  override readonly name = 'ImageMessageError';
}

const isInt = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/** Decodes an image message; throws ImageMessageError naming the field when it does not hold together. */
export function decodeTileImage(data: Uint8Array): TileImage {
  const m = decode(data) as Record<string, unknown>;
  if (m === null || typeof m !== 'object' || m.t !== 'image') throw new ImageMessageError('not an image message');
  const bad = (field: string, why: string) => new ImageMessageError(`image message: ${field} ${why}`);
  if (m.kind !== 'movie' && m.kind !== 'pulse-height') throw bad('kind', `is ${String(m.kind)}`);
  if (!isInt(m.rows, 1, MAX_SIDE) || !isInt(m.cols, 1, MAX_SIDE)) throw bad('rows/cols', `must be integers 1-${MAX_SIDE}`);
  const type = m.pixelType as PixelType;
  if (!(type in PIXEL_BYTES)) throw bad('pixelType', `is ${String(type)}`);
  const raw = m.pixelBytes;
  if (!(raw instanceof Uint8Array)) throw bad('pixelBytes', 'is not binary');
  if (raw.byteLength !== m.rows * m.cols * PIXEL_BYTES[type]) throw bad('pixelBytes', `has ${raw.byteLength} bytes for ${m.rows}x${m.cols} ${type}`);
  // Copy into an aligned buffer: the bin may start at an odd offset inside the message.
  const copy = raw.slice().buffer;
  const pixels = type === 'u8' ? new Uint8Array(copy) : type === 'u16' ? new Uint16Array(copy) : new Int16Array(copy);
  for (const f of ['host', 'file', 'dataProduct'] as const) if (typeof m[f] !== 'string') throw bad(f, 'is not text');
  if (!isInt(m.moduleId, 0, 0xffffffff) || !isInt(m.frameNumber, 0, Number.MAX_SAFE_INTEGER)) throw bad('moduleId/frameNumber', 'must be non-negative integers');
  return {
    kind: m.kind,
    dataProduct: m.dataProduct as string,
    host: m.host as string,
    moduleId: m.moduleId,
    file: m.file as string,
    frameNumber: m.frameNumber,
    rows: m.rows,
    cols: m.cols,
    quabo: isInt(m.quabo, 0, 3) ? m.quabo : null,
    pixels,
    wrUnixNs: typeof m.wrUnixNs === 'string' ? m.wrUnixNs : null,
    wrSynchronised: m.wrSynchronised === true,
    iso: typeof m.iso === 'string' ? m.iso : null,
    nodeSentMs: typeof m.nodeSentMs === 'number' ? m.nodeSentMs : null,
  };
}
