// The EveryFrameResponse of an every-frame message (field 5 of StreamImagesResponse), written
// around the images' already-encoded PanoImage bytes like the rest of the response: an image
// is encoded once for every client, and a batch of a thousand small events is one copy.
// Field order and defaults follow the generated code (a test compares the bytes).
import type { FrameGap, GapReason, RingImage } from '../broadcast/frame-ring.js';
import type { PffFrameBytes } from '../broadcast/pff-frame-bytes.js';
import { concatBytes, lengthDelimited, timestampField, varintLength, writeVarint } from './image-response-encoding.js';

const utf8 = new TextEncoder();

/** FrameGap.Reason numbers of the proto. */
export const GAP_REASON_NUMBER: Record<GapReason, number> = { 'ring-overrun': 1, 'node-restart': 2, 're-init': 3 };

/** tag + varint of a uint64 field (numbers up to 2^53), nothing for 0 (the proto3 default). */
function varintField(fieldNumber: number, value: number): Uint8Array {
  if (value === 0) return new Uint8Array(0);
  const tag = fieldNumber << 3;
  const out = new Uint8Array(varintLength(tag) + varintLength(value));
  writeVarint(out, writeVarint(out, 0, tag), value);
  return out;
}

function gapBytes(gap: FrameGap): Uint8Array {
  return concatBytes([varintField(1, gap.firstMissing), varintField(2, gap.count), varintField(3, GAP_REASON_NUMBER[gap.reason])]);
}

/** Field 2 (node_incarnation) encoded once per node. */
export function incarnationField(incarnation: string): Uint8Array {
  return lengthDelimited(2, utf8.encode(incarnation));
}

/** A run of consecutive frames of one file among a batch's images (those with a PFF frame). */
interface PffRun {
  file: Uint8Array;
  moduleId: number;
  firstFrameNumber: number;
  /** Indexes into the batch's images and their PFF frames. */
  members: number[];
  sequencesLength: number;
  framesLength: number;
  /** The PffFrameRun message's length. */
  bodyLength: number;
}

/** File names as UTF-8, remembered (a node follows a handful of files at a time). */
const fileNames = new Map<string, Uint8Array>();
const MAX_REMEMBERED_FILE_NAMES = 256;

function fileNameBytes(file: string): Uint8Array {
  let bytes = fileNames.get(file);
  if (bytes === undefined) {
    if (fileNames.size >= MAX_REMEMBERED_FILE_NAMES) fileNames.clear();
    bytes = utf8.encode(file);
    fileNames.set(file, bytes);
  }
  return bytes;
}

/** `length` bytes from where `from` starts (its buffer), into out at pos; returns the position after them. */
function copyInto(out: Uint8Array, pos: number, from: Uint8Array, length: number): number {
  out.set(length === from.length ? from : new Uint8Array(from.buffer, from.byteOffset, length), pos);
  return pos + length;
}

/** Bytes of a length-delimited field of this length (tag, length, body), nothing for an empty one (proto3 default). */
function delimitedSize(length: number): number {
  return length === 0 ? 0 : 1 + varintLength(length) + length;
}

/** Bytes of a varint field, nothing for 0 (proto3 default). */
function varintSize(value: number): number {
  return value === 0 ? 0 : 1 + varintLength(value);
}

/** The images with a PFF frame grouped in runs (same file and module, consecutive frame numbers, one frame size), and the others. */
function splitRuns(images: readonly RingImage[], pffs: ReadonlyArray<PffFrameBytes | null>): { runs: PffRun[]; panos: RingImage[] } {
  const runs: PffRun[] = [];
  const panos: RingImage[] = [];
  let run: PffRun | null = null;
  let lastFile = '';
  let lastFrame = 0;
  let lastSize = 0;
  for (let i = 0; i < images.length; i++) {
    const image = images[i]!;
    const pff = pffs[i];
    if (!pff) {
      panos.push(image);
      continue;
    }
    const size = pff.bytes.length;
    if (!run || image.file !== lastFile || image.moduleId !== run.moduleId || image.frameNumber !== lastFrame + 1 || size !== lastSize) {
      run = { file: fileNameBytes(image.file), moduleId: image.moduleId, firstFrameNumber: image.frameNumber, members: [], sequencesLength: 0, framesLength: 0, bodyLength: 0 };
      runs.push(run);
      lastFile = image.file;
      lastSize = size;
    }
    lastFrame = image.frameNumber;
    run.members.push(i);
    run.sequencesLength += varintLength(image.sequence);
    run.framesLength += size;
  }
  for (const r of runs) {
    r.bodyLength = delimitedSize(r.file.length) + varintSize(r.moduleId) + varintSize(r.firstFrameNumber) + delimitedSize(r.sequencesLength) + delimitedSize(r.framesLength);
  }
  return { runs, panos };
}

/**
 * A whole every-frame StreamImagesResponse (name, timestamp, the first image as pano_image,
 * field 5 with the rest as the batch, the gap, and with `pffRuns` the frames read from files as
 * PFF runs) written straight into one buffer: the same bytes as the generated code writes
 * (tests compare them), without three small arrays per image. The images' bytes are copied
 * here, in the turn they were read from the ring (the ring reuses a slab from the next turn
 * on: see frame-slabs.ts).
 */
export function encodeEveryFrameResponse(nameField: Uint8Array, sentAtMs: number, incarnationField: Uint8Array, batch: readonly RingImage[], gap: FrameGap | null, pffRuns = false): Uint8Array {
  const timestamp = timestampField(sentAtMs);
  const gapField = gap ? lengthDelimited(4, gapBytes(gap)) : null;
  const pffs = pffRuns ? batch.map((image) => image.pffFrame()) : [];
  const { runs, panos: images } = pffRuns ? splitRuns(batch, pffs) : { runs: [], panos: batch };
  const first = images[0];
  const firstBytes = first?.encoded();
  // Field 5's body: node_sequence, node_incarnation, each further image as a batch entry, the gap, the runs.
  let body = (first && first.sequence !== 0 ? 1 + varintLength(first.sequence) : 0) + incarnationField.length + (gapField?.length ?? 0);
  for (let i = 1; i < images.length; i++) {
    const image = images[i]!;
    const pano = image.encoded().length;
    const entry = (image.sequence !== 0 ? 1 + varintLength(image.sequence) : 0) + 1 + varintLength(pano) + pano;
    body += 1 + varintLength(entry) + entry;
  }
  for (const run of runs) body += 1 + varintLength(run.bodyLength) + run.bodyLength;
  const total = nameField.length + timestamp.length + (firstBytes ? 1 + varintLength(firstBytes.length) + firstBytes.length : 0) + 1 + varintLength(body) + body;
  // Not zero-filled: every byte is written below (checked at the end).
  const out: Uint8Array = Buffer.allocUnsafeSlow(total);
  out.set(nameField, 0);
  let pos = nameField.length;
  out.set(timestamp, pos);
  pos += timestamp.length;
  if (firstBytes) {
    out[pos++] = (4 << 3) | 2;
    pos = writeVarint(out, pos, firstBytes.length);
    out.set(firstBytes, pos);
    pos += firstBytes.length;
  }
  out[pos++] = (5 << 3) | 2;
  pos = writeVarint(out, pos, body);
  if (first && first.sequence !== 0) {
    out[pos++] = 1 << 3;
    pos = writeVarint(out, pos, first.sequence);
  }
  out.set(incarnationField, pos);
  pos += incarnationField.length;
  for (let i = 1; i < images.length; i++) {
    const image = images[i]!;
    const pano = image.encoded();
    const entry = (image.sequence !== 0 ? 1 + varintLength(image.sequence) : 0) + 1 + varintLength(pano.length) + pano.length;
    out[pos++] = (3 << 3) | 2;
    pos = writeVarint(out, pos, entry);
    if (image.sequence !== 0) {
      out[pos++] = 1 << 3;
      pos = writeVarint(out, pos, image.sequence);
    }
    out[pos++] = (2 << 3) | 2;
    pos = writeVarint(out, pos, pano.length);
    out.set(pano, pos);
    pos += pano.length;
  }
  if (gapField) {
    out.set(gapField, pos);
    pos += gapField.length;
  }
  for (const run of runs) {
    out[pos++] = (5 << 3) | 2;
    pos = writeVarint(out, pos, run.bodyLength);
    if (run.file.length > 0) {
      out[pos++] = (1 << 3) | 2;
      pos = writeVarint(out, pos, run.file.length);
      out.set(run.file, pos);
      pos += run.file.length;
    }
    if (run.moduleId !== 0) {
      out[pos++] = 2 << 3;
      pos = writeVarint(out, pos, run.moduleId);
    }
    if (run.firstFrameNumber !== 0) {
      out[pos++] = 3 << 3;
      pos = writeVarint(out, pos, run.firstFrameNumber);
    }
    if (run.sequencesLength > 0) {
      out[pos++] = (4 << 3) | 2;
      pos = writeVarint(out, pos, run.sequencesLength);
      for (const i of run.members) pos = writeVarint(out, pos, batch[i]!.sequence);
    }
    if (run.framesLength > 0) {
      out[pos++] = (5 << 3) | 2;
      pos = writeVarint(out, pos, run.framesLength);
      // Frames that lie one after another in the ring's slab (a file's frames read together
      // usually do) are copied together.
      let from: Uint8Array | null = null;
      let length = 0;
      for (const i of run.members) {
        const frame = pffs[i]!.bytes;
        if (from && frame.buffer === from.buffer && frame.byteOffset === from.byteOffset + length) {
          length += frame.length;
          continue;
        }
        if (from) pos = copyInto(out, pos, from, length);
        from = frame;
        length = frame.length;
      }
      if (from) pos = copyInto(out, pos, from, length);
    }
  }
  if (pos !== total) throw new Error(`encodeEveryFrameResponse: wrote ${pos} of ${total} bytes`);
  return out;
}
