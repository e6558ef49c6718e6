// UploadImages (validation, broadcast, queue limit, several uploaders) and slow-client isolation.
import { rm } from 'node:fs/promises';
import * as http2 from 'node:http2';
import { join } from 'node:path';
import { PanoImage_Type, StreamImagesRequest, type PanoImage } from '@daqdata/core';
import { Status } from 'nice-grpc';
import { describe, expect, it } from 'vitest';
import { StreamRecorder, hasFrame, movieImage, perTestNodes, pixelsFor, streamsStarted, tempDir } from './helpers.js';

const { cleanups, node } = perTestNodes();

const image = movieImage;

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

  it('without uploadRelay, StreamImages before any source is FAILED_PRECONDITION and is served once an image has been uploaded', async () => {
    const n = await node({ uploadRelay: false });
    const early = new StreamRecorder(n.client, { streamMovieData: true });
    await early.done;
    expect((early.error as { code: number }).code).toBe(Status.FAILED_PRECONDITION);
    expect(String(early.error)).toMatch(/hp_io task is not valid\./);
    await n.client.uploadImages(images([image(4, 0)]));
    const s = new StreamRecorder(n.client, { streamMovieData: true });
    cleanups.push(() => s.cancel());
    // The node hands a new client the newest image of every module at once.
    await s.until(hasFrame(4, null, 0), 'the uploaded image');
  });

  it('recorder sockets are a source of images: such a node streams before any InitHpIo', async () => {
    const dir = await tempDir('daq-relay-sock-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const n = await node({ uploadRelay: false, recorderSockets: { dataProducts: ['img16'], socketPathTemplate: join(dir, 'dp_{dp_name}.sock'), readTimeoutSeconds: 60 } });
    const s = new StreamRecorder(n.client, { streamMovieData: true });
    cleanups.push(() => s.cancel());
    await streamsStarted(n, 1);
    expect(s.ended).toBe(false);
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
    // The stalled client: a raw HTTP/2 gRPC call whose response is never read, so HTTP/2 flow
    // control stops the server's writes once the client's receive window is full.
    const session = http2.connect(`http://127.0.0.1:${n.server.port}`);
    cleanups.push(async () => void session.destroy());
    const req = StreamImagesRequest.encode(StreamImagesRequest.fromPartial({ streamMovieData: true })).finish();
    const framed = Buffer.alloc(5 + req.length);
    framed.writeUInt32BE(req.length, 1);
    framed.set(req, 5);
    const stalled = session.request({ ':method': 'POST', ':path': '/daqdata.DaqData/StreamImages', 'content-type': 'application/grpc', te: 'trailers' });
    stalled.on('error', () => undefined);
    stalled.pause();
    stalled.end(framed);
    cleanups.push(async () => void stalled.close(http2.constants.NGHTTP2_CANCEL));
    const fast = new StreamRecorder(n.client, { streamMovieData: true });
    cleanups.push(() => fast.cancel());
    await streamsStarted(n, 2);
    const publish = async (from: number, count: number) => {
      for (let k = from; k < from + count; k += 50) {
        await n.client.uploadImages(images(Array.from({ length: 50 }, (_, i) => image(1 + ((k + i) % 3), k + i))));
      }
      const last = from + count - 1;
      await fast.until((r) => hasFrame(1 + (last % 3), null, last)(r), `image ${last} at the fast client`);
    };
    const slowStats = () => n.server.node.streamStats().reduce((a, b) => (a.sent <= b.sent ? a : b));
    // Phase 1 fills whatever the transport buffers for the stalled client (HTTP/2 windows,
    // socket buffers); phase 2 shows that from then on nothing more is sent or held for it.
    await publish(0, 3000);
    const afterFill = slowStats();
    await publish(3000, 1500);
    const after = slowStats();
    expect(after.sent - afterFill.sent).toBeLessThanOrEqual(3);
    expect(after.dropped - afterFill.dropped).toBeGreaterThanOrEqual(1500 - 3);
    expect(after.pending).toBeLessThanOrEqual(3); // one image per module slot, never more
    // The fast client was never held up: it received the newest image of every phase (awaited above).
    expect(fast.received.length).toBeGreaterThan(after.sent);
  });
});
