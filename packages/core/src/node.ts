// @daqdata/core/node: the parts of core that read and write files on disk (node:fs): PFF files
// opened at random access, the PFF writer, `daq record` files. Everything else is in the main
// entry, which imports no Node built-in.
export * from './pff/pff-file.js';
export * from './pff/writer.js';
export * from './record/record-file.js';
