import { StreamImagesResponse } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import { encodeImageResponse, nodeNameField } from './image-response-encoding.js';
import { DaqDataWireDefinition, handedOver } from './wire-definition.js';

describe('StreamImages response serialization', () => {
  it('hands bytes that are their whole ArrayBuffer over as the ArrayBuffer (Buffer.from shares it), and a view of a larger one as it is', () => {
    const whole = new Uint8Array([1, 2, 3]);
    const handed = handedOver(whole);
    expect(handed).toBe(whole.buffer);
    // What nice-grpc does with a serializer's result: no copy for the ArrayBuffer.
    const wrapped = Buffer.from(handed);
    expect(wrapped.buffer).toBe(whole.buffer);
    expect([...wrapped]).toEqual([1, 2, 3]);
    const view = new Uint8Array(new ArrayBuffer(8), 2, 3);
    expect(handedOver(view)).toBe(view);
  });

  it('serializes pre-encoded bytes and an ImageResponse to the same wire bytes', () => {
    const response = { nameField: nodeNameField('n1'), sentAtMs: 1_700_000_000_250, message: 'hi' };
    const bytes = encodeImageResponse(response);
    const serialize = DaqDataWireDefinition.streamImages.responseSerialize;
    expect(Buffer.from(serialize(bytes)).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from(serialize(response)).equals(Buffer.from(bytes))).toBe(true);
    expect(StreamImagesResponse.decode(Buffer.from(serialize(response))).name).toBe('n1');
  });
});
