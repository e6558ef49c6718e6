// UploadImages (validation, broadcast, queue limit, several uploaders) and slow-client isolation.
import * as grpc from '@grpc/grpc-js';
import { PanoImage_Type, StreamImagesRequest, StreamImagesResponse, type PanoImage } from '@daqdata/core';
import { Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamRecorder, headerFor, hasFrame, pixelsFor, startTestNode, streamsStarted, type TestNode } from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(config: Parameters<typeof startTestNode>[0] = {}): Promise<TestNode> {
  const n = await startTestNode(config);
  cleanups.push(() => n.stop());
  return n;
}

function image(moduleId: number, frameNumber: number, patch: Partial<PanoImage> = {}): PanoImage {
  return {
    type: PanoImage_Type.MOVIE,
    header: headerFor('img16', frameNumber) as unknown as Record<string, unknown>,
    imageArray: pixelsFor('img16', frameNumber),
    shape: [32, 32],
    bytesPerPixel: 2,
    file: `upload-${moduleId}`,
    frameNumber,
    moduleId,
    ...patch,
  };
}

async function* images(list: PanoImage[]) {
  for (const panoImage of list) yield { panoImage };
}

describe('UploadImages', () => {
  it('broadcasts valid images like watched frames, before any InitHpIo, from several uploaders at once', async () => {
    const n = await node();
    const s = new StreamRecorder(n.client, { streamMovieData: true, streamPulseHeightData: false });
    cleanups.push(() => s.cancel());
    await streamsStarted(n, 1);
    await Promise.all([
      n.client.uploadImages(images([image(1, 0), image(1, 1)])),
      n.client.uploadImages(images([image(2, 0), image(2, 5)])),
    ]);
    await s.until((r) => hasFrame(1, null, 1)(r) && hasFrame(2, null, 5)(r), 'both uploaders');
    const last1 = s.images().filter((p) => p.moduleId === 1).at(-1)!;
    expect(last1).toEqual(image(1, 1));
  });

  it('refuses an invalid image with INVALID_ARGUMENT naming the field', async () => {
    const n = await node();
    const cases: Array<[Partial<PanoImage>, RegExp]> = [
      [{ type: PanoImage_Type.UNDEFINED }, /pano_image\.type/],
      [{ shape: [32] }, /pano_image\.shape/],
      [{ bytesPerPixel: 3 }, /pano_image\.bytes_per_pixel/],
      [{ imageArray: [1, 2, 3] }, /pano_image\.image_array/],
      [{ bytesPerPixel: 1, imageArray: pixelsFor('img16', 300) }, /pano_image\.image_array\[\d+\].*out of range/],
    ];
    for (const [patch, field] of cases) {
      const err = await n.client.uploadImages(images([image(1, 0), image(1, 1, patch)])).catch((e: unknown) => e);
      expect((err as { code: number }).code, JSON.stringify(patch).slice(0, 60)).toBe(Status.INVALID_ARGUMENT);
      expect(String(err)).toMatch(/image 1/);
      expect(String(err)).toMatch(field);
    }
    expect(await n.client.ping({})).toEqual({});
  });

  it('answers a full upload queue with RESOURCE_EXHAUSTED', async () => {
    // With a 1 s node interval the first image goes out at once and the next ones wait for the
    // interval's end: a burst of 20 overflows a queue of 2.
    const n = await node({ uploadQueueSize: 2, minUpdateIntervalSeconds: 1 });
    const burst = Array.from({ length: 20 }, (_, i) => image(1, i));
    const err = await n.client.uploadImages(images(burst)).catch((e: unknown) => e);
    expect((err as { code: number }).code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(String(err)).toMatch(/upload queue is full \(2 images\)/);
  });
});

describe('slow clients', () => {
  it('a stalled client neither delays another nor makes the server buffer without bound', async () => {
    const n = await node();
    // The stalled client: a raw grpc-js call that never reads (HTTP/2 flow control then stops the server's writes).
    const raw = new grpc.Client(`127.0.0.1:${n.server.port}`, grpc.credentials.createInsecure());
    cleanups.push(async () => raw.close());
    const stalled = raw.makeServerStreamRequest(
      '/daqdata.DaqData/StreamImages',
      (r: StreamImagesRequest) => Buffer.from(StreamImagesRequest.encode(r).finish()),
      (b: Buffer) => StreamImagesResponse.decode(b),
      StreamImagesRequest.fromPartial({ streamMovieData: true }),
    );
    stalled.pause();
    stalled.on('error', () => undefined);
    cleanups.push(async () => stalled.cancel());
    const fast = new StreamRecorder(n.client, { streamMovieData: true });
    cleanups.push(() => fast.cancel());
    await streamsStarted(n, 2);
    const total = 1500;
    for (let k = 0; k < total; k += 50) {
      await n.client.uploadImages(images(Array.from({ length: 50 }, (_, i) => image(1 + ((k + i) % 3), k + i))));
    }
    await fast.until((r) => hasFrame(1 + ((total - 1) % 3), null, total - 1)(r), 'the newest image at the fast client');
    const stats = n.server.node.streamStats();
    const slow = stats.reduce((a, b) => (a.sent <= b.sent ? a : b));
    // The stalled client got a few images until flow control stopped it; the rest were dropped
    // (latest-wins), and it holds at most one image per module.
    expect(slow.sent).toBeLessThan(total / 2);
    expect(slow.dropped).toBeGreaterThan(total / 3);
    expect(slow.pending).toBeLessThanOrEqual(3);
  });
});
