// What the node read, counted where it is read: the file followers report frames and bytes
// read and the problems they met; socket frames come from the recorder sockets' own counters.
// Plain numbers on the hot path; the metrics registry turns them into samples when scraped.
import type { DataFileName, DataProduct } from '@daqdata/core';
import { LabelledCounts, ModuleLabels } from './module-labels.js';

/** Where frames come from: a PFF file followed on disk, or a recorder socket. */
export type IngestSource = 'file' | 'socket';

/** What a file follower reports (the follower knows its module and data product from the file name). */
export interface FileIngestTally {
  /** `frames` frames found in `bytes` bytes read from the file named `name`. */
  read(name: DataFileName, frames: number, bytes: number): void;
  /** A frame that could not be parsed, or a run of bytes that are not frames. */
  malformed(): void;
  /** Reading resumed at a good frame after garbage, a truncation or a replacement. */
  resynchronised(): void;
}

export class IngestTally implements FileIngestTally {
  readonly modules: ModuleLabels;
  /** Frames read from files, per module and data product. */
  readonly fileFrames = new LabelledCounts();
  /** Bytes read from files, per data product. */
  readonly fileBytes = new Map<DataProduct, number>();
  fileMalformed = 0;
  fileResynchronisations = 0;

  constructor(modules: ModuleLabels) {
    this.modules = modules;
  }

  read(name: DataFileName, frames: number, bytes: number): void {
    const { moduleId, dataProduct } = name;
    if (frames > 0) {
      const module = this.modules.of(moduleId);
      this.fileFrames.add({ module, product: dataProduct }, `${module}:${dataProduct}`, frames);
    }
    this.fileBytes.set(dataProduct, (this.fileBytes.get(dataProduct) ?? 0) + bytes);
  }

  malformed(): void {
    this.fileMalformed++;
  }

  resynchronised(): void {
    this.fileResynchronisations++;
  }
}
