// StreamImagesResponse -> ParsedImage through core's parser (the only one), or the reason it
// is not a valid image. Shared by the async client and the sync face's main thread.
import { parsePanoImage, type ParsedImage, type StreamImagesResponse } from '@daqdata/core';
import { describeError } from './stream/grpc-errors.js';

export function imageFromResponse(response: StreamImagesResponse, host: string): ParsedImage | { invalid: string } {
  if (!response.panoImage) return { invalid: 'response has no pano_image' };
  try {
    return parsePanoImage(response.panoImage, { host, ...(response.timestamp ? { serverTimestamp: response.timestamp } : {}) });
  } catch (err) {
    return { invalid: describeError(err) };
  }
}
