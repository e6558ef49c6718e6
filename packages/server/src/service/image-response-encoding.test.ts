import { PanoImage, PanoImage_Type, StreamImagesResponse } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import { encodeImageResponse, nodeNameField } from './image-response-encoding.js';

const image: PanoImage = {
  type: PanoImage_Type.PULSE_HEIGHT,
  header: { quabo_num: 2, pkt_num: 5124, pkt_tai: 229, pkt_nsec: 999999999, tv_sec: 1754112728, tv_usec: 985339 },
  imageArray: Array.from({ length: 256 }, (_, i) => (i * 257) & 0xffff),
  shape: [16, 16],
  bytesPerPixel: 2,
  file: 'start_2024-07-25T04_34_46Z.dp_ph256.bpp_2.module_1.seqno_0.pff',
  frameNumber: 41,
  moduleId: 1,
};

describe('encodeImageResponse', () => {
  it('produces bytes a standard decoder reads as the same message the generated encoder would write', () => {
    const sentAtMs = 1_754_112_728_985.339;
    for (const message of [undefined, 'note: ünïcode']) {
      const ours = encodeImageResponse({ nameField: nodeNameField('daq-node-1'), sentAtMs, message, panoImage: PanoImage.encode(image).finish() });
      const decoded = StreamImagesResponse.decode(ours);
      expect(decoded.name).toBe('daq-node-1');
      expect(decoded.message).toBe(message ?? '');
      expect(decoded.panoImage).toEqual(image);
      expect(decoded.timestamp!.getTime()).toBe(Math.trunc(sentAtMs));
      const reference = StreamImagesResponse.encode({ name: 'daq-node-1', timestamp: new Date(Math.trunc(sentAtMs)), message: message ?? '', panoImage: image }).finish();
      expect(StreamImagesResponse.decode(reference)).toEqual(decoded);
    }
  });

  it('handles an empty name and large images (multi-byte lengths)', () => {
    const big = { ...image, imageArray: Array.from({ length: 1024 }, () => 65535), shape: [32, 32] };
    const bytes = encodeImageResponse({ nameField: nodeNameField(''), sentAtMs: 0, panoImage: PanoImage.encode(big).finish() });
    const decoded = StreamImagesResponse.decode(bytes);
    expect(decoded.name).toBe('');
    expect(decoded.panoImage!.imageArray).toHaveLength(1024);
    expect(decoded.timestamp!.getTime()).toBe(0);
  });
});
