import { describe, expect, it } from 'vitest';
import { broadcastImage } from '../broadcast/broadcast-image.js';
import { ModuleLabels, OTHER_MODULE } from './module-labels.js';
import { PublishedTally } from './published-tally.js';

const image = (moduleId: number, file: string, seenAt: number) =>
  broadcastImage({ moduleId, kind: 'movie', file, frameNumber: 0, seenAt }, () => new Uint8Array());

describe('PublishedTally', () => {
  it('labels images by module and the product their file names, socket frames apart, newest arrival per module', () => {
    const t = new PublishedTally(new ModuleLabels());
    t.onImage(image(1, 'start_2024-07-25T04:34:06Z.dp_img16.bpp_2.module_1.seqno_0.pff', 10));
    t.onImage(image(1, 'uds_img8', 30));
    t.onImage(image(2, 'my-upload', 20));
    t.onImage(image(1, 'uds_img8', 25));
    expect([...t.published.entries()]).toEqual([
      { labels: { module: '1', product: 'img16' }, value: 1 },
      { labels: { module: '1', product: 'img8' }, value: 2 },
      { labels: { module: '2', product: 'movie' }, value: 1 },
    ]);
    expect([...t.socketFrames.entries()]).toEqual([{ labels: { module: '1', product: 'img8' }, value: 2 }]);
    expect([...t.newestArrival]).toEqual([
      ['1', 30],
      ['2', 20],
    ]);
  });

  it('keeps a bounded number of series however many module ids arrive (a recorder sending random ids)', () => {
    const t = new PublishedTally(new ModuleLabels(8));
    for (let id = 0; id < 5000; id++) t.onImage(image(id, 'uds_img16', id));
    const entries = [...t.published.entries()];
    expect(entries).toHaveLength(9);
    expect(entries.at(-1)).toEqual({ labels: { module: OTHER_MODULE, product: 'img16' }, value: 5000 - 8 });
    expect(t.newestArrival.size).toBe(9);
  });

  it('counts every frame a run published together stands for (its newest image comes with the count)', () => {
    const t = new PublishedTally(new ModuleLabels());
    t.onImage(image(3, 'start_2024-07-25T04:34:06Z.dp_ph256.bpp_2.module_3.seqno_0.pff', 10), 64);
    t.onImage(image(3, 'start_2024-07-25T04:34:06Z.dp_ph256.bpp_2.module_3.seqno_0.pff', 11), 1);
    expect([...t.published.entries()]).toEqual([{ labels: { module: '3', product: 'ph256' }, value: 65 }]);
  });
});
