// @daqdata/server: the DAQ node as a library (the node, watcher, hub, RPCs, config schema, logger).
// The daemon around it (flags, config files, signals, exit, the simulator plug-in) is
// `@daqdata/server/daemon` (src/daemon/).
export * from './config/server-config.js';
export * from './log/logger.js';
export * from './server.js';
export * from './service/simulator.js';
export * from './service/daq-node.js';
export * from './service/image-response-encoding.js';
export * from './service/wire-definition.js';
export * from './broadcast/throttle.js';
export * from './broadcast/clock.js';
export type { BroadcastImage } from './broadcast/broadcast-image.js';
export type { WatchCounts, WatchFunction } from './watch/path-watches.js';
export * from './config/hp-io-config.js';
export type { IgnoredSetting } from './config/reference-server-config.js';
// What a gateway (packages/gateway) reuses to serve DaqData from another source of images:
// the same hub, per-client throttled streams, request bounds, response encoding and reflection.
export { ImageHub } from './broadcast/image-hub.js';
export { ClientImageStream } from './broadcast/client-image-stream.js';
export { broadcastImage } from './broadcast/broadcast-image.js';
export { requestBoundsProblem, streamRequestNumbersProblem } from './service/request-bounds.js';
export { reflectionImplementation, ServerReflectionV1AlphaService } from './service/server-reflection.js';
export { loadDaqDataDescriptorSet } from './service/descriptor-set.js';
