import { PanoImage, PanoImage_Type } from '@daqdata/core';
import { describe, expect, it } from 'vitest';
import { broadcastImage, type BroadcastImage } from './broadcast-image.js';
import { ClientImageStream } from './client-image-stream.js';

let now = 0;
const clock = () => now;
let built = 0;

function img(moduleId: number, kind: 'movie' | 'pulse-height', frameNumber: number): BroadcastImage {
  return broadcastImage({ moduleId, kind, file: 'f', frameNumber, seenAt: now }, () => {
    built++;
    return PanoImage.encode({ type: PanoImage_Type.MOVIE, header: {}, imageArray: [frameNumber], shape: [1, 1], bytesPerPixel: 1, file: 'f', frameNumber, moduleId }).finish();
  });
}

async function take(s: ClientImageStream): Promise<string> {
  const r = await s.next();
  return 'reason' in r ? r.reason : `${r.image.moduleId}:${r.image.kind}:${r.image.frameNumber}`;
}

describe('ClientImageStream', () => {
  it('keeps only the newest unsent image per module and type, counting drops', async () => {
    now = 0;
    const s = new ClientImageStream({ movie: true, pulseHeight: true, moduleIds: new Set() }, 1e6, clock);
    s.offer(img(1, 'movie', 0));
    expect(await take(s)).toBe('1:movie:0');
    // Interval not over: the next ones coalesce in the slot; only the newest remains.
    for (let i = 1; i <= 5; i++) s.offer(img(1, 'movie', i));
    s.offer(img(2, 'movie', 0));
    s.offer(img(1, 'pulse-height', 0));
    expect(s.pendingCount).toBe(3); // one image per slot, however many arrived
    expect(await take(s)).toBe('2:movie:0');
    expect(await take(s)).toBe('1:pulse-height:0');
    expect(s.dropped).toBe(4);
    s.close({ reason: 'aborted' });
    expect(await take(s)).toBe('aborted');
  });

  it('serves ready slots in arrival order so a busy module cannot starve a quiet one', async () => {
    now = 0;
    const s = new ClientImageStream({ movie: true, pulseHeight: false, moduleIds: new Set() }, 0, clock);
    s.offer(img(1, 'movie', 0));
    s.offer(img(1, 'movie', 1)); // replaces (not yet taken)
    s.offer(img(2, 'movie', 0));
    s.offer(img(1, 'movie', 2));
    expect([await take(s), await take(s)]).toEqual(['1:movie:2', '2:movie:0']);
  });

  it('filters by module and type, and encodes an image only when it is sent', async () => {
    now = 0;
    built = 0;
    const s = new ClientImageStream({ movie: false, pulseHeight: true, moduleIds: new Set([3]) }, 0, clock);
    s.offer(img(3, 'movie', 0));
    s.offer(img(4, 'pulse-height', 0));
    expect(s.pendingCount).toBe(0);
    const shared = img(3, 'pulse-height', 9);
    s.offer(shared);
    const r = await s.next();
    expect('image' in r && r.image).toBe(shared);
    expect(built).toBe(0);
    shared.encoded();
    shared.encoded();
    expect(built).toBe(1);
  });

  it('ends with the given error', async () => {
    const s = new ClientImageStream({ movie: true, pulseHeight: true, moduleIds: new Set() }, 0, clock);
    const waiting = s.next();
    s.close({ reason: 'ended', error: new Error('bye') });
    expect(await waiting).toMatchObject({ reason: 'ended', error: { message: 'bye' } });
  });
});
