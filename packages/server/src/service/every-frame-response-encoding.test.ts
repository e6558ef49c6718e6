import { DATA_PRODUCTS, PanoImage, PanoImage_Type, StreamImagesResponse, FrameGap_Reason, type PffFrameRun } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import { broadcastImage } from '../broadcast/broadcast-image.js';
import { PffFrameSource } from '../broadcast/pff-frame-bytes.js';
import fc from 'fast-check';
import { encodeEveryFrameResponse, incarnationField } from './every-frame-response-encoding.js';
import { nodeNameField } from './image-response-encoding.js';

const pano = (n: number): PanoImage => ({ type: PanoImage_Type.PULSE_HEIGHT, header: { n }, imageArray: [n, 300], shape: [1, 2], bytesPerPixel: 2, file: 'f.pff', frameNumber: n, moduleId: 3 });
const image = (n: number, sequence: number) => {
  const img = broadcastImage({ moduleId: 3, kind: 'pulse-height', file: 'f.pff', frameNumber: n, seenAt: 0 }, () => PanoImage.encode(pano(n)).finish());
  img.sequence = sequence;
  return img;
};

describe('every-frame response encoding', () => {
  it('writes the bytes the generated code writes, for a batch, a gap, and a gap alone', () => {
    const sentAtMs = 1_700_000_000_250;
    for (const [images, gap] of [
      [[image(0, 1), image(1, 2), image(2, 2 ** 40)], null],
      [[image(5, 9)], { firstMissing: 3, count: 6, reason: 'ring-overrun' as const }],
      [[], { firstMissing: 42, count: 0, reason: 'node-restart' as const }],
    ] as const) {
      const bytes = encodeEveryFrameResponse(nodeNameField('n1'), sentAtMs, incarnationField('inc-1'), images, gap);
      const expected = StreamImagesResponse.encode({
        name: 'n1',
        timestamp: new Date(sentAtMs),
        message: '',
        ...(images[0] ? { panoImage: pano(images[0].frameNumber) } : {}),
        everyFrame: {
          nodeSequence: images[0]?.sequence ?? 0,
          nodeIncarnation: 'inc-1',
          batch: images.slice(1).map((i) => ({ sequence: i.sequence, panoImage: pano(i.frameNumber) })),
          pffRuns: [],
          ...(gap ? { gap: { firstMissingSequence: gap.firstMissing, count: gap.count, reason: gap.reason === 'ring-overrun' ? FrameGap_Reason.RING_OVERRUN : FrameGap_Reason.NODE_RESTART } } : {}),
        },
      }).finish();
      expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
    }
  });

  it('writes what the generated code writes for any batch: sequences up to 2^53, image sizes across varint length steps, names, send times', () => {
    const imageOf = (size: number, sequence: number) => {
      // A real PanoImage whose encoding is ~2 bytes per pixel: sizes cross the varint length steps (128, 16,384 bytes).
      const encoded = PanoImage.encode({ ...pano(size), imageArray: new Array<number>(size).fill(300) }).finish();
      const img = broadcastImage({ moduleId: 1, kind: 'movie', file: 'f', frameNumber: 0, seenAt: 0 }, () => encoded);
      img.sequence = sequence;
      return img;
    };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9_000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })), { maxLength: 12 }),
        fc.option(fc.record({ firstMissing: fc.integer({ min: 1, max: 2 ** 40 }), count: fc.nat(), reason: fc.constantFrom('ring-overrun' as const, 'node-restart' as const, 're-init' as const) }), { nil: null }),
        fc.string({ maxLength: 40 }),
        fc.integer({ min: 1_000, max: 4_102_444_800_000 }),
        (specs, gap, name, sentAtMs) => {
          const images = specs.map(([size, seq]) => imageOf(size, seq));
          const bytes = encodeEveryFrameResponse(nodeNameField(name), sentAtMs, incarnationField('inc'), images, gap);
          const decoded = StreamImagesResponse.decode(bytes);
          expect(decoded.name).toBe(name);
          expect(decoded.timestamp!.getTime()).toBe(Math.floor(sentAtMs));
          expect(decoded.everyFrame!.nodeIncarnation).toBe('inc');
          expect(decoded.everyFrame!.nodeSequence).toBe(specs[0]?.[1] ?? 0);
          expect(decoded.everyFrame!.batch.map((b) => b.sequence)).toEqual(specs.slice(1).map(([, seq]) => seq));
          const reason = { 'ring-overrun': FrameGap_Reason.RING_OVERRUN, 'node-restart': FrameGap_Reason.NODE_RESTART, 're-init': FrameGap_Reason.RE_INIT };
          expect(decoded.everyFrame!.gap).toEqual(gap ? { firstMissingSequence: gap.firstMissing, count: gap.count, reason: reason[gap.reason] } : undefined);
          // Re-encoded by the generated code: the same bytes.
          expect(Buffer.from(StreamImagesResponse.encode(decoded).finish()).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with PFF runs: frames read from files go as runs of consecutive frames of one file, byte for byte; other images as PanoImages; the bytes the generated code writes', () => {
    const dp = DATA_PRODUCTS.ph256;
    // An image read from a file (its PFF frame: random bytes of a ph256 frame's size with a short header) or not (an upload).
    const imageArb = fc.record({
      fromFile: fc.boolean(),
      file: fc.constantFrom('a.pff', 'b.pff', 'é.pff', ''),
      moduleId: fc.constantFrom(0, 1, 300),
      frameStep: fc.constantFrom(1, 1, 1, 2, 0),
      headerLength: fc.constantFrom(20, 20, 21),
      seed: fc.nat(),
      sequenceStep: fc.integer({ min: 1, max: 2 ** 20 }),
      // Where its bytes lie: right after the previous image's in one buffer (as in the ring's slab), or not.
      adjacent: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(imageArb, { maxLength: 12 }), fc.integer({ min: 0, max: 2 ** 32 - 20 }), (specs, firstFrame) => {
        let frameNumber = firstFrame;
        let sequence = 0;
        const slab = new Uint8Array(specs.length * 600);
        let at = 0;
        const images = specs.map((spec) => {
          frameNumber += spec.frameStep;
          sequence += spec.sequenceStep;
          const length = spec.headerLength + 1 + 512;
          at += spec.adjacent ? 0 : 1;
          const bytes = slab.subarray(at, at + length);
          at += length;
          bytes.forEach((_, k) => (bytes[k] = (spec.seed + k * 7) & 0xff));
          const pff = spec.fromFile ? new PffFrameSource(bytes, dp, spec.headerLength) : undefined;
          const n = frameNumber;
          const img = broadcastImage({ moduleId: spec.moduleId, kind: 'pulse-height', file: spec.file, frameNumber: n, seenAt: 0 }, () => PanoImage.encode(pano(n)).finish(), undefined, pff);
          img.sequence = sequence;
          return { img, pff, frameNumber: n, spec };
        });
        // The oracle: consecutive file frames of one file and module with consecutive frame numbers and one size form a run.
        const runs: PffFrameRun[] = [];
        let last: (typeof images)[number] | undefined;
        for (const i of images.filter((i) => i.pff)) {
          const joins = last && last.spec.file === i.spec.file && last.spec.moduleId === i.spec.moduleId && i.frameNumber === last.frameNumber + 1 && i.pff!.bytes.length === last.pff!.bytes.length;
          if (!joins) runs.push({ file: i.spec.file, moduleId: i.spec.moduleId, firstFrameNumber: i.frameNumber, sequences: [], frames: new Uint8Array(0) });
          const run = runs.at(-1)!;
          run.sequences.push(i.img.sequence);
          run.frames = Buffer.concat([run.frames, i.pff!.bytes]);
          last = i;
        }
        const panos = images.filter((i) => !i.pff);
        const expected = StreamImagesResponse.encode({
          name: 'n',
          timestamp: new Date(5_000),
          message: '',
          ...(panos[0] ? { panoImage: pano(panos[0].frameNumber) } : {}),
          everyFrame: {
            nodeSequence: panos[0]?.img.sequence ?? 0,
            nodeIncarnation: 'inc',
            batch: panos.slice(1).map((i) => ({ sequence: i.img.sequence, panoImage: pano(i.frameNumber) })),
            pffRuns: runs,
          },
        }).finish();
        const bytes = encodeEveryFrameResponse(nodeNameField('n'), 5_000, incarnationField('inc'), images.map((i) => i.img), null, true);
        expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
        // Without PFF runs, every image is a PanoImage, as before.
        const asPanos = StreamImagesResponse.decode(encodeEveryFrameResponse(nodeNameField('n'), 5_000, incarnationField('inc'), images.map((i) => i.img), null, false));
        expect(asPanos.everyFrame!.pffRuns).toEqual([]);
        expect([asPanos.panoImage, ...asPanos.everyFrame!.batch.map((b) => b.panoImage)].filter(Boolean)).toHaveLength(images.length);
      }),
      { numRuns: 300 },
    );
  });
});
