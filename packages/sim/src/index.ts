// @daqdata/sim: synthetic PANOSETI frames and archive replay, written as a recorder would.
export * from './synth/random.js';
export * from './synth/packet-clock.js';
export * from './synth/sky-model.js';
export * from './synth/pulse-height.js';
export * from './synth/synthetic-stream.js';
export * from './synth/synthetic-timeline.js';
export * from './schedule/timed-frame.js';
export * from './schedule/merge-by-time.js';
export * from './schedule/pacer.js';
export * from './schedule/per-stream-limit.js';
export * from './run/run-writer.js';
export * from './run/recorder-socket-writer.js';
export * from './replay/archive.js';
export * from './replay/default-archive.js';
export * from './replay/replay-timeline.js';
export * from './simulation.js';
export * from './daq-simulator.js';
