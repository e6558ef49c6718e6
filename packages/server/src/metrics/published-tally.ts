// What the node published to its clients, seen as one more subscriber of the image hub (every
// image passes there: files, recorder sockets, uploads): images per module and data product,
// recorder-socket frames per module, and when each module's newest image arrived.
import { classifyFile, isDataProduct, type ImageKind } from '@daqdata/core';
import type { BroadcastImage } from '../broadcast/broadcast-image.js';
import { LabelledCounts, type ModuleLabels } from './module-labels.js';

const SOCKET_FILE_PREFIX = 'uds_';
/** Distinct file names whose product is remembered; a rollover brings a new one, so this is cleared now and then. */
const PRODUCT_CACHE_SIZE = 1024;

export class PublishedTally {
  readonly published = new LabelledCounts();
  readonly socketFrames = new LabelledCounts();
  /** Per module label, the newest image's arrival (clock ms). */
  readonly newestArrival = new Map<string, number>();
  private readonly productOfFile = new Map<string, string>();

  constructor(private readonly modules: ModuleLabels) {}

  /** An image published, standing for `count` frames (the newest of a run published together). */
  readonly onImage = (image: BroadcastImage, count = 1): void => {
    const module = this.modules.of(image.moduleId);
    const product = this.productOf(image.file, image.kind);
    // Keyed by label, not id: ids beyond the bound share "other" and add no entries.
    const key = `${module}:${product}`;
    this.published.add({ module, product }, key, count);
    if (image.file.startsWith(SOCKET_FILE_PREFIX)) this.socketFrames.add({ module, product }, key, count);
    if (image.seenAt > (this.newestArrival.get(module) ?? -Infinity)) this.newestArrival.set(module, image.seenAt);
  };

  /**
   * The data product, from the file name the image came from (recorder sockets: uds_<dp>).
   * Uploads carry a caller's file name: when it names no product, the image kind stands in.
   */
  private productOf(file: string, kind: ImageKind): string {
    const known = this.productOfFile.get(file);
    if (known !== undefined) return known;
    let product: string = kind;
    if (file.startsWith(SOCKET_FILE_PREFIX) && isDataProduct(file.slice(SOCKET_FILE_PREFIX.length))) product = file.slice(SOCKET_FILE_PREFIX.length);
    else {
      const cls = classifyFile(file);
      if (cls.kind === 'frames') product = cls.name.dataProduct;
    }
    if (this.productOfFile.size >= PRODUCT_CACHE_SIZE) this.productOfFile.clear();
    this.productOfFile.set(file, product);
    return product;
  }
}
