// StreamImagesResponse bytes assembled around an already-encoded PanoImage. Protobuf lets a
// message field be written as tag + length + the sub-message's bytes, so the per-client part
// of a response (node name, send time) is a few dozen bytes and the image is never re-encoded.

const utf8 = new TextEncoder();

/** Bytes the protobuf varint encoding of `n` (a non-negative safe integer) takes. */
export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Writes `n` as a protobuf varint into `out` at `pos`; returns the position after it. */
export function writeVarint(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

/** tag + length + bytes of one length-delimited field. */
export function lengthDelimited(fieldNumber: number, bytes: Uint8Array): Uint8Array {
  return concatBytes([fieldHead(fieldNumber, bytes.length), bytes]);
}

/** google.protobuf.Timestamp { seconds = 1; nanos = 2 } from Unix milliseconds (>= 1970). */
function timestampBytes(unixMs: number): Uint8Array {
  const seconds = Math.floor(unixMs / 1000);
  const nanos = Math.min(999_999_999, Math.round((unixMs - seconds * 1000) * 1e6));
  const out = new Uint8Array(1 + varintLength(seconds) + (nanos ? 1 + varintLength(nanos) : 0));
  let pos = 0;
  out[pos++] = 0x08;
  pos = writeVarint(out, pos, seconds);
  if (nanos) {
    out[pos++] = 0x10;
    writeVarint(out, pos, nanos);
  }
  return out;
}

export interface ImageResponse {
  /** Pre-encoded field 1 (see nodeNameField). */
  nameField: Uint8Array;
  /** Send time, Unix ms with sub-millisecond precision. */
  sentAtMs: number;
  message?: string;
  /** The PanoImage's protobuf encoding (absent in a response that carries only a message). */
  panoImage?: Uint8Array;
}

/** Field 1 (name) encoded once per node. */
export function nodeNameField(name: string): Uint8Array {
  return name === '' ? new Uint8Array(0) : lengthDelimited(1, utf8.encode(name));
}

/** Tag + length of a length-delimited field whose body is written separately (no copy of the body). */
export function fieldHead(fieldNumber: number, length: number): Uint8Array {
  const tag = (fieldNumber << 3) | 2;
  const head = new Uint8Array(varintLength(tag) + varintLength(length));
  writeVarint(head, writeVarint(head, 0, tag), length);
  return head;
}

/** Parts one after another in one array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Field 2 (timestamp) of a response sent at `unixMs`. */
export function timestampField(unixMs: number): Uint8Array {
  return lengthDelimited(2, timestampBytes(unixMs));
}

/** A complete latest-policy StreamImagesResponse in the wire format of the proto (fields 1-4; every-frame responses: encodeEveryFrameResponse). */
export function encodeImageResponse(r: ImageResponse): Uint8Array {
  const parts = [r.nameField, timestampField(r.sentAtMs)];
  if (r.message) parts.push(lengthDelimited(3, utf8.encode(r.message)));
  if (r.panoImage) parts.push(fieldHead(4, r.panoImage.length), r.panoImage);
  return concatBytes(parts);
}
