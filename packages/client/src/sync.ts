// @daqdata/client/sync: the sync-style face (SyncDaqClient), for scripts, REPLs and notebooks.
// It runs the async DaqClient in a worker thread (node:worker_threads), so it has its own
// sub-path: importing the SDK's main entry never loads the worker machinery.
export { SyncDaqClient } from './sync/sync-client.js';
export type { SyncRoiStatsOptions, SyncStreamImagesOptions } from './sync/sync-client.js';
