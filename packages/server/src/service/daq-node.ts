// The state of one DAQ node and the DaqData methods over it: one watcher (replaced by
// InitHpIo), one image hub shared by every client, the active streams and the upload queue.
// gRPC plumbing (listening, TLS, health, reflection) lives in server.ts.
import { randomUUID } from 'node:crypto';
import { DATA_PRODUCTS, DeliveryOptions_Policy, PanoImage, PanoImage_Type, parsePanoImage, validatePanoImage, type InitHpIoRequest, type InitHpIoResponse, type RoiStatistics, type StreamImagesRequest, type StreamRoiStatsRequest, type StreamRoiStatsResponse, type UploadImageRequest } from '@daqdata/core';
import { ServerError, Status, type CallContext } from 'nice-grpc';
import { broadcastImage, type BroadcastImage } from '../broadcast/broadcast-image.js';
import { framePixelsOf } from '../broadcast/frame-pixels.js';
import { ClientImageStream, type ImageSelection, type StreamEnd } from '../broadcast/client-image-stream.js';
import type { Clock } from '../broadcast/clock.js';
import { EveryFrameInterest } from '../broadcast/every-frame-interest.js';
import { FrameRing } from '../broadcast/frame-ring.js';
import { ImageHub } from '../broadcast/image-hub.js';
import type { ServerConfig } from '../config/server-config.js';
import { aggregateRepeatedLines, type Logger, type RepeatedLines } from '../log/logger.js';
import { peerHost } from '../transport/stream-start-limit.js';
import type { FileIngestTally } from '../metrics/ingest-tally.js';
import type { DataDirWatcher } from '../watch/data-dir-watcher.js';
import type { WatchCounts, WatchFunction } from '../watch/path-watches.js';
import { confineDataDir } from './data-dir-confinement.js';
import { nextEveryFrameResponse, openEveryFrameStream, type EveryFrameNode } from './every-frame-call.js';
import { incarnationField } from './every-frame-response-encoding.js';
import { encodeImageResponse, nodeNameField } from './image-response-encoding.js';
import { requestBoundsProblem, streamRequestNumbersProblem } from './request-bounds.js';
import { nextRoiStatsResponse, openRoiStatsStream, roisOfRequest } from './roi-stats-call.js';
import { FrameRoiCache } from '../roi/frame-roi-cache.js';
import { SIMULATOR_MISSING, type DaqSimulator, type RunningSimulation } from './simulator.js';
import { UploadQueue } from './upload-queue.js';

/** How an active stream delivers: newest images, every image, or every frame's ROI records. */
export type StreamPolicy = 'latest' | 'every-frame' | 'roi-stats';

/** One StreamImages call, whichever its delivery policy, or one StreamRoiStats call. */
/** A StreamImages stream yields its responses' wire bytes (see nextEveryFrameResponse for why). */
interface ActiveStream<R extends object = Uint8Array> {
  id: string;
  policy: StreamPolicy;
  close(end: StreamEnd): void;
  /** Images sent; dropped (latest: replaced before sending; every-frame: sequences reported as gaps); held now. */
  stats(): { sent: number; dropped: number; pending: number };
  next(): Promise<R | StreamEnd>;
  /** Ends its hub subscription and every-frame interest. */
  release(): void;
}

interface Following {
  watcher: DataDirWatcher;
  simulation: RunningSimulation | null;
}

export class DaqNode {
  readonly hub: ImageHub;
  /** Changes with every start of the node: sequence numbers of two incarnations are unrelated. */
  readonly incarnation = randomUUID();
  /** Recent frames for every-frame clients, held while any wants them. */
  readonly ring: FrameRing;
  /** Which modules and types every-frame clients want: the followers read every frame of those. */
  readonly everyFrameInterest: EveryFrameInterest;
  /** Which modules and types StreamRoiStats clients want (a subset of everyFrameInterest): their frames keep their pixels. */
  readonly roiInterest: EveryFrameInterest;
  private readonly everyFrameNode: EveryFrameNode & { nodeName: string };
  /** ROI stats of published frames, shared by every StreamRoiStats call. */
  readonly roiCache: FrameRoiCache;
  private readonly streams = new Set<ActiveStream<object>>();
  private readonly uploads: UploadQueue;
  private readonly nameField: Uint8Array;
  private following: Following | null = null;
  /** The node's own update interval (InitHpIo), the floor for every stream. */
  private nodeIntervalSeconds: number;
  /** InitHpIo calls run one after another, so two reconfigurations never interleave. */
  private reconfiguring: Promise<unknown> = Promise.resolve();
  private clientCounter = 0;
  /** A reconfiguration (InitHpIo, start-up follow) has succeeded once: the node has a source of images. */
  private everFollowed = false;
  private closing = false;
  /** "stream started/ended" per client host: a client opening and resetting streams at will must not write a line each. */
  private readonly streamLines: RepeatedLines;
  /** Images sent and dropped by the streams that have ended (for metrics: totals over all streams). */
  private readonly endedStreams = { sent: 0, dropped: 0 };
  /** ROI records sent by StreamRoiStats calls that have ended. */
  private endedRoiRecords = 0;

  constructor(
    private readonly config: ServerConfig,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly simulator: DaqSimulator | undefined,
    /** Hooks: the kernel watch the data-directory watcher uses (default fs.watch; tests inject refusals), and counts of what the file followers read (the node's metrics). */
    private readonly hooks: { watch?: WatchFunction | undefined; ingest?: FileIngestTally | undefined } = {},
  ) {
    this.nodeIntervalSeconds = config.minUpdateIntervalSeconds;
    this.streamLines = aggregateRepeatedLines(log);
    this.nameField = nodeNameField(config.nodeName);
    const ringMs = config.ringSeconds * 1000;
    this.everyFrameInterest = new EveryFrameInterest(ringMs, clock);
    this.roiInterest = new EveryFrameInterest(ringMs, clock);
    // The hub's newest image per module and type outlives the ring (latest clients get it later).
    this.ring = new FrameRing({ maxBytes: config.ringBytes, maxAgeMs: ringMs, clock, retainedElsewhere: (moduleId, kind, sequence) => this.hub.latestWithSequence(moduleId, kind, sequence) });
    this.hub = new ImageHub(
      this.ring,
      () => this.everyFrameInterest.any(),
      (moduleId, kind) => this.roiInterest.wants(moduleId, kind),
    );
    this.everyFrameNode = { incarnation: this.incarnation, incarnationField: incarnationField(this.incarnation), nameField: this.nameField, ring: this.ring, clock, nodeName: config.nodeName };
    this.roiCache = new FrameRoiCache(clock);
    this.uploads = new UploadQueue(config.uploadQueueSize, () => this.nodeIntervalSeconds * 1000, clock, (image) => this.hub.publish(image));
  }

  private clientLog(context: CallContext): { id: string; log: Logger } {
    const id = `c${++this.clientCounter}@${context.peer}`;
    return { id, log: this.log.child({ client: id }) };
  }

  get activeStreamCount(): number {
    return this.streams.size;
  }

  /** Per active stream: images sent, images dropped (latest: replaced before sending; every-frame: sequences reported as gaps), images held now. */
  streamStats(): Array<{ id: string; policy: StreamPolicy; sent: number; dropped: number; pending: number }> {
    return [...this.streams].map((s) => ({ id: s.id, policy: s.policy, ...s.stats() }));
  }

  /** The data-directory watcher's watches and polling fallbacks; null while nothing is followed. */
  watchCounts(): WatchCounts | null {
    return this.following?.watcher.watchCounts() ?? null;
  }

  /** Images sent and dropped over every stream served, ended or active. */
  streamImageTotals(): { sent: number; dropped: number } {
    let { sent, dropped } = this.endedStreams;
    for (const s of this.streams) {
      if (s.policy === 'roi-stats') continue;
      const now = s.stats();
      (sent += now.sent), (dropped += now.dropped);
    }
    return { sent, dropped };
  }

  get uploadQueueDepth(): number {
    return this.uploads.length;
  }

  get dataDir(): string | null {
    return this.following?.watcher.dataDir ?? null;
  }

  /**
   * Whether the node has a source of images, the reference's "hp_io task is valid": a
   * successful InitHpIo (or start-up follow), recorder sockets, an upload relay, or an image
   * already uploaded. Without one StreamImages is FAILED_PRECONDITION, as the reference's.
   */
  private get hasImageSource(): boolean {
    return this.everFollowed || this.config.recorderSockets !== null || this.config.uploadRelay || this.uploads.acceptedAny;
  }

  async *streamImages(request: StreamImagesRequest, context: CallContext): AsyncGenerator<Uint8Array> {
    const { id, log } = this.clientLog(context);
    // Checked in the reference's order (REFERENCE section 6), so its clients see the same codes.
    if (!request.streamMovieData && !request.streamPulseHeightData) {
      log.warn('StreamImages refused: no image type requested');
      throw new ServerError(Status.INVALID_ARGUMENT, 'stream_movie_data and stream_pulse_height_data are both false: request at least one');
    }
    const intervalSeconds = this.checkStreamStart('StreamImages', request, log);
    const selection: ImageSelection = { movie: request.streamMovieData, pulseHeight: request.streamPulseHeightData, moduleIds: new Set(request.moduleIds) };
    const everyFrame = request.delivery?.policy === DeliveryOptions_Policy.EVERY_FRAME;
    const active = everyFrame ? this.everyFrameStream(id, request, selection, intervalSeconds) : this.latestStream(id, selection, intervalSeconds);
    yield* this.serve(active, context, {
      movie: request.streamMovieData,
      pulseHeight: request.streamPulseHeightData,
      intervalSeconds,
      modules: request.moduleIds.length ? request.moduleIds.join(',') : 'all',
    });
  }

  /**
   * The checks every stream start passes, in the reference's order after the request's own
   * (REFERENCE section 6): bounds, NaN, shutdown, a source of images, the stream limit. Returns
   * the stream's interval: never faster than the node's own (REFERENCE section 5); 0 or a
   * negative request (the reference CLI sends -1) means "the node's interval".
   */
  private checkStreamStart(method: string, request: { updateIntervalSeconds: number; moduleIds: readonly number[] }, log: Logger): number {
    const numbers = streamRequestNumbersProblem(request);
    if (numbers) throw new ServerError(Status.INVALID_ARGUMENT, numbers);
    if (this.closing) throw new ServerError(Status.UNAVAILABLE, 'the node is shutting down');
    if (!this.hasImageSource) {
      log.warn(`${method} refused: no InitHpIo has succeeded yet`);
      throw new ServerError(Status.FAILED_PRECONDITION, 'hp_io task is not valid. (no InitHpIo has succeeded on this node yet)');
    }
    if (this.streams.size >= this.config.maxStreams) {
      log.warn(`${method} refused: stream limit reached`, { maxStreams: this.config.maxStreams });
      throw new ServerError(Status.RESOURCE_EXHAUSTED, `this node already serves its maximum of ${this.config.maxStreams} streams`);
    }
    return Math.max(request.updateIntervalSeconds, this.nodeIntervalSeconds);
  }

  /** Serves an active stream until it ends, the client goes away or the node closes it; logs start and end. */
  private async *serve<R extends object>(active: ActiveStream<R>, context: CallContext, fields: Record<string, unknown>): AsyncGenerator<R> {
    const id = active.id;
    this.streams.add(active);
    const onAbort = () => active.close({ reason: 'aborted' });
    context.signal.addEventListener('abort', onAbort);
    const host = peerHost(context.peer);
    this.streamLines.log('info', 'stream started', host, { client: id, delivery: active.policy, ...fields });
    let outcome = 'client went away';
    try {
      for (;;) {
        const next = await active.next();
        if ('reason' in next) {
          if (next.reason === 'ended') {
            outcome = next.error.message;
            throw next.error;
          }
          return;
        }
        yield next;
      }
    } finally {
      active.release();
      context.signal.removeEventListener('abort', onAbort);
      this.streams.delete(active);
      const { sent, dropped } = active.stats();
      if (active.policy === 'roi-stats') this.endedRoiRecords += sent;
      else {
        this.endedStreams.sent += sent;
        this.endedStreams.dropped += dropped;
      }
      this.streamLines.log('info', 'stream ended', host, { client: id, reason: outcome, sent, dropped });
    }
  }

  private latestStream(id: string, selection: ImageSelection, intervalSeconds: number): ActiveStream {
    const stream = new ClientImageStream(selection, intervalSeconds * 1000, this.clock);
    const unsubscribe = this.hub.subscribe((image) => stream.offer(image));
    return {
      id,
      policy: 'latest',
      close: (end) => stream.close(end),
      stats: () => ({ sent: stream.sent, dropped: stream.dropped, pending: stream.pendingCount }),
      next: async () => {
        const next = await stream.next();
        // Encoded now, in the turn the image was taken: its bytes may be a view into a ring slab.
        return 'reason' in next ? next : encodeImageResponse({ nameField: this.nameField, sentAtMs: next.sentAt, panoImage: next.image.encoded() });
      },
      release: unsubscribe,
    };
  }

  /** An every-frame stream (see every-frame-call.ts); its selection is read in full by the followers while it lasts, and for ringSeconds after. */
  private everyFrameStream(id: string, request: StreamImagesRequest, selection: ImageSelection, intervalSeconds: number): ActiveStream {
    const stream = openEveryFrameStream(this.everyFrameNode, request.delivery!, selection, intervalSeconds * 1000);
    const unregister = this.everyFrameInterest.register(selection);
    const unsubscribe = this.hub.subscribe((image) => stream.offer(image));
    return {
      id,
      policy: 'every-frame',
      close: (end) => stream.close(end),
      stats: () => ({ sent: stream.sent, dropped: stream.skipped, pending: 0 }),
      next: () => nextEveryFrameResponse(this.everyFrameNode, stream),
      release: () => {
        unsubscribe();
        unregister();
      },
    };
  }

  /**
   * StreamRoiStats: every frame of the selection, in order, as ROI records (see
   * roi-stats-call.ts); the stats of a frame are computed once per distinct ROI, shared by
   * every call (roiCache). Checked like an every-frame StreamImages, the ROIs first.
   */
  async *streamRoiStats(request: StreamRoiStatsRequest, context: CallContext): AsyncGenerator<StreamRoiStatsResponse> {
    const { id, log } = this.clientLog(context);
    const rois = roisOfRequest(request);
    if (!request.movie && !request.pulseHeight) {
      throw new ServerError(Status.INVALID_ARGUMENT, 'movie and pulse_height are both false: request at least one');
    }
    const intervalSeconds = this.checkStreamStart('StreamRoiStats', request, log);
    const stream = openRoiStatsStream(this.everyFrameNode, request, intervalSeconds * 1000);
    const selection = { movie: request.movie, pulseHeight: request.pulseHeight, moduleIds: new Set(request.moduleIds) };
    const unregisterEvery = this.everyFrameInterest.register(selection);
    // Its frames keep their pixels from now on (and for ringSeconds after it leaves).
    const unregisterRoi = this.roiInterest.register(selection);
    const unregister = () => {
      unregisterEvery();
      unregisterRoi();
    };
    const unsubscribe = this.hub.subscribe((image) => stream.offer(image));
    const active: ActiveStream<StreamRoiStatsResponse> = {
      id,
      policy: 'roi-stats',
      close: (end) => stream.close(end),
      stats: () => ({ sent: stream.sent, dropped: stream.skipped, pending: 0 }),
      next: () => nextRoiStatsResponse(this.everyFrameNode, stream, this.roiCache, rois),
      release: () => {
        unsubscribe();
        unregister();
      },
    };
    yield* this.serve(active, context, {
      rois: rois.map((r) => r.name).join(','),
      movie: request.movie,
      pulseHeight: request.pulseHeight,
      intervalSeconds,
      modules: request.moduleIds.length ? request.moduleIds.join(',') : 'all',
    });
  }

  /** psen's /statistics: start time, frames processed, the newest frame's time; and the records sent. */
  roiStatistics(): RoiStatistics {
    const c = this.roiCache;
    let recordsSent = this.endedRoiRecords;
    let activeStreams = 0;
    for (const s of this.streams) {
      if (s.policy !== 'roi-stats') continue;
      activeStreams++;
      recordsSent += s.stats().sent;
    }
    return {
      startTime: new Date(c.startedAt),
      framesProcessed: c.framesProcessed,
      roiComputations: c.roiComputations,
      lastFrameTime: c.lastFrameAt === null ? undefined : new Date(c.lastFrameAt),
      activeStreams,
      recordsSent,
      nodeIncarnation: this.incarnation,
    };
  }

  /** Ends every active stream with `code` (CANCELLED on forced re-init, UNAVAILABLE at shutdown). */
  endStreams(code: Status, message: string): number {
    const n = this.streams.size;
    for (const s of this.streams) s.close({ reason: 'ended', error: new ServerError(code, message) });
    return n;
  }

  initHpIo(request: InitHpIoRequest, context: CallContext): Promise<InitHpIoResponse> {
    return this.queueReconfigure(request, this.clientLog(context).log);
  }

  private queueReconfigure(request: InitHpIoRequest, log: Logger): Promise<InitHpIoResponse> {
    const run = this.reconfiguring.then(() => this.reconfigure(request, log));
    this.reconfiguring = run.catch(() => undefined);
    return run;
  }

  private async reconfigure(request: InitHpIoRequest, log: Logger): Promise<InitHpIoResponse> {
    if (this.closing) throw new ServerError(Status.UNAVAILABLE, 'the node is shutting down');
    const refuse = (code: Status, message: string): never => {
      log.warn('InitHpIo refused', { reason: message });
      throw new ServerError(code, message);
    };
    const fail = (message: string): InitHpIoResponse => {
      log.warn('InitHpIo failed; previous configuration kept', { reason: message, dataDir: this.dataDir });
      return { success: false, errorMessage: message };
    };
    // Checked in the reference's order (REFERENCE section 6): data_dir, interval, active streams.
    const min = this.config.minUpdateIntervalSeconds;
    const interval = request.updateIntervalSeconds;
    if (request.simulateDaq && !this.simulator) refuse(Status.UNIMPLEMENTED, SIMULATOR_MISSING);
    let dataDir: string;
    if (!request.simulateDaq) {
      if (request.dataDir.trim() === '') refuse(Status.INVALID_ARGUMENT, 'data_dir is empty: give the directory holding module_N/ folders');
      const confined = await confineDataDir(request.dataDir, this.config.allowedDataRoots);
      if (!confined.ok) {
        if (confined.problem === 'outside-roots') refuse(Status.PERMISSION_DENIED, confined.reason);
        if (confined.problem === 'missing') refuse(Status.INVALID_ARGUMENT, confined.reason);
        return fail(confined.reason);
      }
      dataDir = confined.dataDir;
    }
    const outOfBounds = requestBoundsProblem(request);
    if (outOfBounds) refuse(Status.INVALID_ARGUMENT, outOfBounds);
    // 0 included: the reference refuses it too (a stream's 0 means "the node's interval"; InitHpIo's sets it).
    if (!(interval >= min)) {
      refuse(Status.INVALID_ARGUMENT, `update_interval_seconds ${interval} is below this node's minimum of ${min} s`);
    }
    if (this.streams.size > 0 && !request.force) {
      // The reference names the clients; at most 10 here, so the status stays small with thousands of streams.
      const ids = [...this.streams].map((s) => s.id);
      const named = ids.length > 10 ? `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more` : ids.join(', ');
      refuse(Status.FAILED_PRECONDITION, `Cannot modify server state: ${ids.length} clients are streaming: ${named} (send force to end their streams)`);
    }
    const intervalSeconds = interval;
    let simulation: RunningSimulation | null = null;
    let watcher: DataDirWatcher;
    // Until the new watcher replaces the old one its images are held (newest per module and
    // type): a reconfiguration that fails must not have published anything.
    let active = false;
    const held = new Map<string, BroadcastImage>();
    const onImage = (image: BroadcastImage) => {
      if (active) this.hub.publish(image);
      else held.set(`${image.moduleId}:${image.kind}`, image);
    };
    try {
      if (request.simulateDaq) {
        simulation = await this.simulator!.start({ moduleIds: request.moduleIds, updateIntervalSeconds: intervalSeconds, settings: this.config.simulation, recorderSockets: this.config.recorderSockets });
        dataDir = simulation.dataDir;
      }
      // Loaded on first use: a node that only relays uploads, and start-up, do without the watcher.
      const { DataDirWatcher } = await import('../watch/data-dir-watcher.js');
      watcher = await DataDirWatcher.start({
        dataDir: dataDir!,
        moduleIds: new Set(request.moduleIds),
        log: this.log.child({ dataDir: dataDir! }),
        clock: this.clock,
        readIntervalMs: () => intervalSeconds * 1000,
        everyFrame: (moduleId, kind) => this.everyFrameInterest.wants(moduleId, kind),
        onImage,
        // A read's frames as one run while the ring holds every frame (held images: one per module and type, as above).
        onFileFrames: (run) => active && this.hub.publishFileFrames(run),
        // The simulator's directory is the node's own: it is its only root.
        allowedRoots: simulation ? [simulation.dataDir] : this.config.allowedDataRoots,
        watch: this.hooks.watch,
        tally: this.hooks.ingest,
      });
    } catch (err) {
      await simulation?.stop().catch(() => undefined);
      return fail(`cannot follow ${request.simulateDaq ? 'simulated data' : JSON.stringify(request.dataDir)}: ${(err as Error).message}`);
    }
    if (request.force) {
      const n = this.endStreams(Status.CANCELLED, 'the node was reconfigured by a forced InitHpIo');
      if (n) log.info('cancelled active streams for forced InitHpIo', { streams: n });
    }
    const previous = this.following;
    this.following = { watcher, simulation };
    this.hub.clearLatest();
    this.ring.clearForReinit();
    active = true;
    for (const image of held.values()) this.hub.publish(image);
    this.nodeIntervalSeconds = intervalSeconds;
    this.everFollowed = true;
    await this.stopFollowing(previous);
    log.info('following data', {
      dataDir: dataDir!,
      simulated: request.simulateDaq,
      intervalSeconds,
      modules: request.moduleIds.length ? request.moduleIds.join(',') : 'all',
      files: watcher.followedFiles().length,
    });
    return { success: true, errorMessage: '' };
  }

  private async stopFollowing(f: Following | null): Promise<void> {
    if (!f) return;
    await f.watcher.close();
    await f.simulation?.stop().catch((err: Error) => this.log.warn('simulator stop failed', { error: err.message }));
  }

  async uploadImages(requests: AsyncIterable<UploadImageRequest>, context: CallContext): Promise<Record<string, never>> {
    const { log } = this.clientLog(context);
    let accepted = 0;
    for await (const { panoImage } of requests) {
      const index = accepted;
      if (!panoImage) throw new ServerError(Status.INVALID_ARGUMENT, `image ${index}: pano_image is missing`);
      const problem = validatePanoImage(panoImage);
      if (problem) {
        log.warn('upload refused', { image: index, field: problem.field, reason: problem.reason });
        throw new ServerError(Status.INVALID_ARGUMENT, `image ${index}: ${problem.field}: ${problem.reason}`);
      }
      const image = broadcastImage(
        {
          moduleId: panoImage.moduleId,
          kind: panoImage.type === PanoImage_Type.MOVIE ? 'movie' : 'pulse-height',
          file: panoImage.file || 'upload',
          frameNumber: panoImage.frameNumber,
          seenAt: this.clock(),
        },
        () => PanoImage.encode(panoImage).finish(),
        () => {
          const parsed = parsePanoImage(panoImage, { host: '' });
          return framePixelsOf(parsed, DATA_PRODUCTS[parsed.dataProduct]);
        },
      );
      if (!this.uploads.offer(image)) {
        log.warn('upload refused: queue full', { image: index, capacity: this.uploads.capacity });
        throw new ServerError(Status.RESOURCE_EXHAUSTED, `image ${index}: the upload queue is full (${this.uploads.capacity} images); retry later`);
      }
      accepted++;
    }
    log.info('upload finished', { images: accepted });
    return {};
  }

  /**
   * InitHpIo at start-up from the configuration (`initialDataDir`, or the reference config's
   * default_hp_io_config_file): the RPC's own code path and checks, but a failure stops start-up.
   * `source` names the setting in the error.
   */
  async initAtStart(request: InitHpIoRequest, source: string): Promise<void> {
    const response = await this.queueReconfigure(request, this.log.child({ client: 'config' })).catch((err: Error) => ({ success: false, errorMessage: err.message }));
    if (!response.success) throw new Error(`${source}: ${response.errorMessage}`);
  }

  /** Shutdown: refuse new calls, end streams with UNAVAILABLE, stop the watcher. */
  async close(): Promise<void> {
    this.closing = true;
    this.uploads.close();
    this.endStreams(Status.UNAVAILABLE, 'the node is shutting down');
    await this.reconfiguring;
    const f = this.following;
    this.following = null;
    await this.stopFollowing(f);
    this.streamLines.close();
  }
}
