// The unit the pacer schedules and the run writer appends: one encoded frame, for one module
// and data product, at a position on the simulation's timeline.
import type { DataProduct } from '@daqdata/core';

export interface TimedFrame {
  moduleId: number;
  dataProduct: DataProduct;
  /** Timeline position in nanoseconds since the simulation began (before the speed factor). */
  offsetNs: bigint;
  /** The whole frame as it goes into the file: header text, '*', pixels. */
  bytes: Uint8Array;
}
