// @daqdata/cli as a library: the pieces of `daq` that are useful on their own (notebooks,
// other tools): the replay cadence and the terminal renderers. The record file format is in
// @daqdata/core (and its file reading and writing in @daqdata/core/node).
export * from './exit-codes.js';
export * from './record/replay-schedule.js';
export * from './plot/colour-map.js';
export * from './plot/colour-mode.js';

export * from './plot/heatmap.js';
export * from './plot/module-track.js';
export * from './plot/tile-layout.js';
export * from './plot/view-render.js';
export * from './plot/fit-text.js';
export * from './plot/colour-bar.js';
export * from './plot/page-keys.js';
export * from './plot/pulse-height-distribution.js';
export * from './plot/phdist-render.js';
export * from './output/image-output.js';
export * from './output/coincidence-output.js';
