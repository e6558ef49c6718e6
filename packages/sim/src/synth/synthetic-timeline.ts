// Synthetic frames for several modules and data products as one timeline, encoded as the
// recorder writes them. Frame times start at startNs (normally "now"), so the White Rabbit
// times in the headers match the wall clock when played at speed 1.
import { DATA_PRODUCTS, encodeFrame, type DataProduct } from '@daqdata/core';
import { asAsync, mergeByTime } from '../schedule/merge-by-time.js';
import type { TimedFrame } from '../schedule/timed-frame.js';
import { syntheticFrames, type SimFrame } from './synthetic-stream.js';

export interface SyntheticRunOptions {
  modules: readonly number[];
  dataProducts: readonly DataProduct[];
  /** Movie frames per second per module. */
  frameRate: number;
  /** Mean pulse-height events per second per module and product. */
  eventRate?: number;
  seed?: number;
  startNs: bigint;
  firstPktNum?: number;
}

export const DEFAULT_EVENT_RATE = 2;

export function syntheticStreams(opts: SyntheticRunOptions): Array<Generator<SimFrame, never, undefined>> {
  if (opts.modules.length === 0) throw new RangeError('synthetic run needs at least one module');
  if (opts.dataProducts.length === 0) throw new RangeError('synthetic run needs at least one data product');
  return opts.modules.flatMap((moduleId) =>
    opts.dataProducts.map((dataProduct) =>
      syntheticFrames({
        moduleId,
        dataProduct,
        startNs: opts.startNs,
        rate: DATA_PRODUCTS[dataProduct].kind === 'movie' ? opts.frameRate : (opts.eventRate ?? DEFAULT_EVENT_RATE),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.firstPktNum !== undefined ? { firstPktNum: opts.firstPktNum } : {}),
      }),
    ),
  );
}

export async function* syntheticTimeline(opts: SyntheticRunOptions): AsyncGenerator<TimedFrame, void, undefined> {
  const merged = mergeByTime(syntheticStreams(opts).map((s) => asAsync(s)), (f) => f.timeNs);
  for await (const f of merged) {
    yield { moduleId: f.moduleId, dataProduct: f.dataProduct, offsetNs: f.timeNs - opts.startNs, bytes: encodeFrame(f.header, f.pixels, DATA_PRODUCTS[f.dataProduct]) };
  }
}
