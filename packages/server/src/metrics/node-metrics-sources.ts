// Where the metrics read a running node's figures: the DaqNode (streams, uploads, the watcher
// it follows with) and the recorder acquisition. Both are looked up at scrape time, so the
// registry can exist before them (the file followers need its tally from the start).
import type { Clock } from '../broadcast/clock.js';
import type { RecorderAcquisition } from '../ingest/recorder-acquisition.js';
import type { DaqNode } from '../service/daq-node.js';
import type { NodeMetricsSources } from './node-metrics.js';

const NOTHING_WATCHED = { watchedFiles: 0, watchedDirectories: 0, polledPaths: 0, pollingFallbacks: 0 };

export function nodeMetricsSources(nodeName: string, clock: Clock, node: () => DaqNode | undefined, acquisition: () => RecorderAcquisition | undefined): NodeMetricsSources {
  return {
    nodeName,
    clock,
    recorderSockets: () => acquisition()?.recorderSockets?.stats() ?? [],
    watch: () => node()?.watchCounts() ?? NOTHING_WATCHED,
    activeStreams: () => node()?.activeStreamCount ?? 0,
    streamImages: () => node()?.streamImageTotals() ?? { sent: 0, dropped: 0 },
    uploadQueueDepth: () => node()?.uploadQueueDepth ?? 0,
    roi: () => {
      const n = node();
      if (!n) return { framesProcessed: 0, computations: 0, recordsSent: 0, lastFrameAtMs: null };
      const s = n.roiStatistics();
      return { framesProcessed: s.framesProcessed, computations: s.roiComputations, recordsSent: s.recordsSent, lastFrameAtMs: n.roiCache.lastFrameAt };
    },
  };
}
