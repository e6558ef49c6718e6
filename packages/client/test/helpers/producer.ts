// A paced image producer for a node, like a DAQ writing frames: uploads one image every
// `everyMs` through UploadImages, numbering them in frame_number; keeps trying while the node
// is down (a restarted node gets images again without the test doing anything).
import { setTimeout as delay } from 'node:timers/promises';
import type { DataProduct } from '@daqdata/core';
import { DaqClient } from '../../src/index.js';
import { panoImage } from './images.js';

export interface Producer {
  /** Images the node accepted so far. */
  readonly sent: number;
  stop(): Promise<void>;
}

export function startProducer(address: string, moduleId: number, o: { dp?: DataProduct; everyMs?: number } = {}): Producer {
  const client = DaqClient.fromAddresses([address], { reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
  const controller = new AbortController();
  let sent = 0;
  let seq = 0;
  const loop = (async () => {
    while (!controller.signal.aborted) {
      try {
        await client.uploadImages(address, [panoImage({ dp: o.dp ?? 'img16', moduleId, seq: seq++ })]);
        sent++;
      } catch {
        // node down or restarting: the next tick tries again
      }
      await delay(o.everyMs ?? 20, undefined, { signal: controller.signal }).catch(() => undefined);
    }
  })();
  return {
    get sent() {
      return sent;
    },
    async stop() {
      controller.abort();
      await loop;
      await client.close();
    },
  };
}
