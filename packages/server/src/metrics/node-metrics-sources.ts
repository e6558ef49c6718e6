// Where the metrics read a running node's figures: the DaqNode (streams, uploads, the watcher
// it follows with) and the recorder acquisition. Both are looked up at scrape time, so the
// registry can exist before them (the file followers need its tally from the start).
import type { Clock } from '../broadcast/clock.js';
import type { RecorderAcquisition } from '../ingest/recorder-acquisition.js';
import type { DaqNode } from '../service/daq-node.js';
import type { DataDirWatcher } from '../watch/data-dir-watcher.js';
import type { NodeMetricsSources, WatchCounters } from './node-metrics.js';

/**
 * Watches that fell back to polling. Nothing in watch/ polls today (chokidar and fs.watch
 * only); the symlink-confinement work adds a counter on the watcher, read here when present.
 */
function pollingFallbacksOf(watcher: DataDirWatcher): number {
  const counted = (watcher as { pollingFallbackCount?: unknown }).pollingFallbackCount;
  return typeof counted === 'number' ? counted : 0;
}

export function watchCountersOf(watcher: DataDirWatcher | null): WatchCounters {
  if (!watcher) return { watchedFiles: 0, watchedDirectories: 0, pollingFallbacks: 0 };
  return { watchedFiles: watcher.followedFiles().length, watchedDirectories: watcher.watchedDirectoryCount, pollingFallbacks: pollingFallbacksOf(watcher) };
}

export function nodeMetricsSources(nodeName: string, clock: Clock, node: () => DaqNode | undefined, acquisition: () => RecorderAcquisition | undefined): NodeMetricsSources {
  return {
    nodeName,
    clock,
    recorderSockets: () => acquisition()?.recorderSockets?.stats() ?? [],
    watch: () => watchCountersOf(node()?.watcher ?? null),
    activeStreams: () => node()?.activeStreamCount ?? 0,
    streamImages: () => node()?.streamImageTotals() ?? { sent: 0, dropped: 0 },
    uploadQueueDepth: () => node()?.uploadQueueDepth ?? 0,
  };
}
