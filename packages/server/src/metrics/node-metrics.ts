// The node's Prometheus registry. Every figure is read when Prometheus scrapes (collect
// callbacks) from counters the node's parts keep anyway, so the data path pays nothing per
// frame beyond incrementing a number. Names and units follow the Prometheus conventions
// (README "Metrics" lists each one); `module` and `product` label per-module and per-product
// figures, with bounded values (module-labels.ts); nothing is labelled per client.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../broadcast/clock.js';
import type { RecorderSocketStats } from '../ingest/recorder-sockets.js';
import { grpcMetricsMiddleware, initHpIoOutcomeMiddleware } from './grpc-metrics.js';
import type { WatchCounts } from '../watch/path-watches.js';
import { IngestTally } from './ingest-tally.js';
import { ModuleLabels } from './module-labels.js';
import { PublishedTally } from './published-tally.js';


/** What the metrics read from the running node; each is called at scrape time. */
export interface NodeMetricsSources {
  nodeName: string;
  clock: Clock;
  recorderSockets(): readonly RecorderSocketStats[];
  /** The followed data directory's watches (zeros when nothing is followed). */
  watch(): WatchCounts;
  activeStreams(): number;
  /** Images sent to and dropped for stream clients, over every stream the node has served. */
  streamImages(): { sent: number; dropped: number };
  uploadQueueDepth(): number;
  /** ROI photometry (StreamRoiStats): frames processed, ROI computations, records sent, the newest processed frame's arrival (ms; null before the first). */
  roi(): { framesProcessed: number; computations: number; recordsSent: number; lastFrameAtMs: number | null };
}

type Labels = Record<string, string>;
type Sample = { labels: Labels; value: number };

export class NodeMetrics {
  readonly registry = new Registry();
  readonly modules = new ModuleLabels();
  /** Handed to the file followers. */
  readonly ingest = new IngestTally(this.modules);
  /** Subscribed to the node's image hub. */
  readonly published = new PublishedTally(this.modules);
  /** gRPC calls by method and code; InitHpIo by outcome (server middlewares, used first). */
  readonly grpcCalls = grpcMetricsMiddleware(this.registry);
  readonly initHpIoCalls = initHpIoOutcomeMiddleware(this.registry);

  constructor(sources: NodeMetricsSources) {
    const r = this.registry;
    collectDefaultMetrics({ register: r });
    const sockets = () => sources.recorderSockets();
    const perSocket = (pick: (s: RecorderSocketStats) => number): Sample[] => sockets().map((s) => ({ labels: { product: s.dataProduct }, value: pick(s) }));
    const bySource = (file: () => number, socket: (s: RecorderSocketStats) => number): Sample[] => [
      { labels: { source: 'file' }, value: file() },
      { labels: { source: 'socket' }, value: sockets().reduce((n, s) => n + socket(s), 0) },
    ];
    const ingest = this.ingest;
    const published = this.published;

    gauge(r, 'daq_node_info', 'Always 1; the node name as a label.', ['node'], () => [{ labels: { node: sources.nodeName }, value: 1 }]);
    counter(r, 'daq_frames_read_total', 'Frames read, per source (file or recorder socket), module and data product. From files, every frame found in the bytes read, published or not.', ['source', 'module', 'product'], () => [
      ...withLabels(ingest.fileFrames.entries(), { source: 'file' }),
      ...withLabels(published.socketFrames.entries(), { source: 'socket' }),
    ]);
    counter(r, 'daq_frames_published_total', 'Images handed to the broadcast (files, recorder sockets, uploads), per module and data product (uploads without a product name: movie or pulse-height).', ['module', 'product'], () =>
      published.published.entries(),
    );
    counter(r, 'daq_read_bytes_total', 'Bytes read, per source and data product.', ['source', 'product'], () => [
      ...[...ingest.fileBytes].map(([product, value]) => ({ labels: { source: 'file', product }, value })),
      ...perSocket((s) => s.bytes).map(({ labels, value }) => ({ labels: { source: 'socket', ...labels }, value })),
    ]);
    counter(r, 'daq_malformed_frames_total', 'Frames that could not be used, per source: unparsable frames, and runs of bytes that are not frames (files).', ['source'], () =>
      bySource(() => ingest.fileMalformed, (s) => s.malformedFrames),
    );
    counter(r, 'daq_resynchronisations_total', 'Times reading resumed at a good frame after garbage (files: also after a truncation or replacement), per source.', ['source'], () =>
      bySource(() => ingest.fileResynchronisations, (s) => s.resynchronisations),
    );
    counter(r, 'daq_recorder_connections_total', 'Recorder connections accepted, per socket (data product).', ['product'], () => perSocket((s) => s.connectionsAccepted));
    counter(r, 'daq_recorder_connections_refused_total', 'Recorder connections turned away (too many on the socket), per data product.', ['product'], () => perSocket((s) => s.connectionsRefused));
    gauge(r, 'daq_recorder_connections', 'Recorder connections open now, per data product.', ['product'], () => perSocket((s) => s.connections));
    counter(r, 'daq_recorder_frames_total', 'Frames decoded from recorder sockets, per data product.', ['product'], () => perSocket((s) => s.frames));
    gauge(r, 'daq_watched_files', 'Frame files followed now.', [], () => [{ labels: {}, value: sources.watch().watchedFiles }]);
    gauge(r, 'daq_watched_directories', 'Directories watched now (data directory, module and run directories).', [], () => [{ labels: {}, value: sources.watch().watchedDirectories }]);
    gauge(r, 'daq_watched_paths_polled', 'Files and directories polled now because the kernel refused to watch them.', [], () => [{ labels: {}, value: sources.watch().polledPaths }]);
    gauge(r, 'daq_watch_polling_fallbacks', 'Watches that fell back to polling since the node began following its current data directory.', [], () => [{ labels: {}, value: sources.watch().pollingFallbacks }]);
    gauge(r, 'daq_active_streams', 'StreamImages and StreamRoiStats calls open now.', [], () => [{ labels: {}, value: sources.activeStreams() }]);
    counter(r, 'daq_stream_images_sent_total', 'Images sent to StreamImages clients, over all streams.', [], () => [{ labels: {}, value: sources.streamImages().sent }]);
    counter(r, 'daq_stream_images_dropped_total', "Images replaced in a client's latest-wins slot before they could be sent, over all streams.", [], () => [
      { labels: {}, value: sources.streamImages().dropped },
    ]);
    gauge(r, 'daq_newest_frame_age_seconds', "Seconds since the module's newest image arrived (now - arrival), per module: alert when it grows.", ['module'], () => {
      const now = sources.clock();
      return [...published.newestArrival].map(([module, at]) => ({ labels: { module }, value: Math.max(0, now - at) / 1000 }));
    });
    counter(r, 'daq_roi_frames_processed_total', 'Frames whose ROI stats the node computed for StreamRoiStats clients (each frame once, whatever the number of clients).', [], () => [
      { labels: {}, value: sources.roi().framesProcessed },
    ]);
    counter(r, 'daq_roi_computations_total', 'ROI stats computed: one per frame and distinct ROI geometry.', [], () => [{ labels: {}, value: sources.roi().computations }]);
    counter(r, 'daq_roi_records_sent_total', 'Per-frame ROI records sent to StreamRoiStats clients, over all streams.', [], () => [{ labels: {}, value: sources.roi().recordsSent }]);
    gauge(r, 'daq_roi_last_frame_timestamp_seconds', 'Unix time the newest frame whose ROI stats were computed reached the node (psen\'s last frame time); absent before the first.', [], () => {
      const at = sources.roi().lastFrameAtMs;
      return at === null ? [] : [{ labels: {}, value: at / 1000 }];
    });
    gauge(r, 'daq_upload_queue_depth', 'Uploaded images waiting to be broadcast.', [], () => [{ labels: {}, value: sources.uploadQueueDepth() }]);
  }
}

function* withLabels(samples: Iterable<Sample>, extra: Labels): Iterable<Sample> {
  for (const { labels, value } of samples) yield { labels: { ...extra, ...labels }, value };
}

/**
 * A counter or gauge whose samples are read at scrape time: reset, then each sample added
 * (for a counter the sample is the running total the source keeps, so it never goes down).
 */
function collected(Metric: typeof Counter | typeof Gauge, registry: Registry, name: string, help: string, labelNames: string[], samples: () => Iterable<Sample>): void {
  // Counter and Gauge share reset() and inc(labels, value), all a collect callback needs.
  new (Metric as typeof Gauge)({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, value } of samples()) this.inc(labels, value);
    },
  });
}

const counter = (...args: Parameters<typeof collected> extends [unknown, ...infer Rest] ? Rest : never) => collected(Counter, ...args);
const gauge = (...args: Parameters<typeof collected> extends [unknown, ...infer Rest] ? Rest : never) => collected(Gauge, ...args);
