import { PanoImage, PanoImage_Type, StreamImagesResponse, FrameGap_Reason } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import { broadcastImage } from '../broadcast/broadcast-image.js';
import { everyFrameResponseParts, incarnationField } from './every-frame-response-encoding.js';
import { encodeImageResponse, nodeNameField } from './image-response-encoding.js';

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
      const bytes = encodeImageResponse({
        nameField: nodeNameField('n1'),
        sentAtMs,
        ...(images[0] ? { panoImage: images[0].encoded() } : {}),
        everyFrame: everyFrameResponseParts(incarnationField('inc-1'), images, gap),
      });
      const expected = StreamImagesResponse.encode({
        name: 'n1',
        timestamp: new Date(sentAtMs),
        message: '',
        ...(images[0] ? { panoImage: pano(images[0].frameNumber) } : {}),
        everyFrame: {
          nodeSequence: images[0]?.sequence ?? 0,
          nodeIncarnation: 'inc-1',
          batch: images.slice(1).map((i) => ({ sequence: i.sequence, panoImage: pano(i.frameNumber) })),
          ...(gap ? { gap: { firstMissingSequence: gap.firstMissing, count: gap.count, reason: gap.reason === 'ring-overrun' ? FrameGap_Reason.RING_OVERRUN : FrameGap_Reason.NODE_RESTART } } : {}),
        },
      }).finish();
      expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
    }
  });
});
