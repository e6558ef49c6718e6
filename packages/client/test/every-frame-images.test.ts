// Frames that arrive as PFF runs from a node that is wrong or hostile: a frame that is not a
// frame of its file's data product is an 'invalid-image' event naming the file and the byte
// offset in it, its neighbours are delivered, and nothing throws out of the stream.
import fc from 'fast-check';
import { encodeFrame, formatDataFileName, DATA_PRODUCTS, type StreamImagesResponse } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import { EventHub } from '../src/status/event-hub.js';
import type { StreamEvent } from '../src/status/stream-event.js';
import { everyFrameImages, type SequencedImage } from '../src/stream/every-frame-images.js';
import { EveryFrameTracker } from '../src/stream/every-frame-tracker.js';
import { headerFor, packet, pixelsFor } from './helpers/images.js';

const dp = DATA_PRODUCTS.ph256;
const file = formatDataFileName({ start: '2025-08-02T05:31:36Z', dataProduct: 'ph256', moduleId: 4, seqno: 0 });
const frameBytes = (k: number) => encodeFrame(headerFor('ph256', packet(1_754_112_728, k), k % 4), pixelsFor('ph256', k), dp);

async function deliver(frames: Uint8Array, count: number, runFile = file): Promise<{ images: SequencedImage[]; invalid: string[] }> {
  const response: StreamImagesResponse = {
    name: 'n',
    message: '',
    everyFrame: { nodeSequence: 0, nodeIncarnation: 'i', batch: [], pffRuns: [{ file: runFile, moduleId: 4, firstFrameNumber: 100, sequences: Array.from({ length: count }, (_, k) => k + 1), frames }] },
  };
  const events = new EventHub();
  const invalid: string[] = [];
  events.on((e: StreamEvent) => e.type === 'invalid-image' && invalid.push(e.reason));
  const images: SequencedImage[] = [];
  for await (const chunk of everyFrameImages((async function* () { yield response; })(), new EveryFrameTracker(16, undefined, true), { host: 'h', parse: true, events })) {
    images.push(...(chunk as SequencedImage[]));
  }
  return { images, invalid };
}

describe('every-frame images from PFF runs', () => {
  it('delivers each frame of a run with its sequence, module, file and frame number', async () => {
    const { images, invalid } = await deliver(Buffer.concat([0, 1, 2].map(frameBytes)), 3);
    expect(invalid).toEqual([]);
    expect(images.map((i) => [i.sequence, i.moduleId, i.file, i.frameNumber, i.pixels[7]])).toEqual([0, 1, 2].map((k) => [k + 1, 4, file, 100 + k, pixelsFor('ph256', k)[7]]));
  });

  it('a corrupted frame is an invalid-image event naming the file and its byte offset; the others are delivered', async () => {
    const frames = Buffer.concat([0, 1, 2].map(frameBytes));
    const size = frames.length / 3;
    frames[size] = 0x20; // frame 101 no longer starts with '{'
    const { images, invalid } = await deliver(frames, 3);
    expect(images.map((i) => i.frameNumber)).toEqual([100, 102]);
    expect(invalid).toEqual([`${file} @ byte ${101 * size}: header does not start with '{' (found byte 0x20)`]);
  });

  it('a run that is not frames of its file (length, name) is one invalid-image event for the run, never a throw', async () => {
    const two = Buffer.concat([0, 1].map(frameBytes));
    expect((await deliver(two.subarray(1), 2)).invalid).toEqual([`2 frame(s) from sequence 1: ${file} @ byte 0: ${two.length - 1} bytes are not 2 frames of one size`]);
    const notPff = await deliver(two, 2, 'notes.txt');
    expect(notPff.images).toEqual([]);
    expect(notPff.invalid).toHaveLength(1);
    expect(notPff.invalid[0]).toMatch(/^2 frame\(s\) from sequence 1: notes\.txt @ byte 0: /);
  });

  it('a hostile node claiming millions of frames in a run with no bytes costs one event, not an object per frame', async () => {
    const { images, invalid } = await deliver(new Uint8Array(0), 3_000_000);
    expect(images).toEqual([]);
    expect(invalid).toEqual([`3000000 frame(s) from sequence 1: ${file} @ byte 0: frames of 0 bytes do not hold a header, '*' and 512 ph256 pixel bytes`]);
  });

  it('any bytes in a run: each frame is an image or an invalid-image event (the whole run one when it is not frames), and nothing throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 5 }), async (bytes, count) => {
        const { images, invalid } = await deliver(bytes, count);
        if (invalid.some((r) => r.startsWith(`${count} frame(s)`))) expect([images.length, invalid.length]).toEqual([0, 1]);
        else expect(images.length + invalid.length).toBe(count);
      }),
      { numRuns: 200 },
    );
  });
});
