// The async client: promises, async iterables and RxJS observables over every configured DAQ
// node. The sync-style face (sync/) runs this same class in a worker thread.
import { formatRoiProblem, roiSetProblem, type InitHpIoRequest, type NamedRoi, type PanoImage, type ParsedImage, type PsenRect, type RoiRect, type RoiStatistics, type StreamImagesRequest, type StreamImagesResponse, type StreamRoiStatsRequest } from '@daqdata/core';
import { Observable } from 'rxjs';
import { nodesFromAddresses, nodesFromDaqConfig, type DaqConfig, type DaqNode, type NetworkConfig } from './config/daq-config.js';
import { NodeConnection, OpenCallCounter } from './grpc/node-connection.js';
import { probeNode, type ProbeResult } from './grpc/probe-node.js';
import { reflectNode, type HostReflection } from './grpc/reflect-node.js';
import { meansAllHosts, NoResponsiveHostsError, selectNodes } from './host-selection.js';
import { EventHub } from './status/event-hub.js';
import type { FrameGapEvent, HostState, StreamEvent } from './status/stream-event.js';
import { reconnectOptions, type ReconnectOptions } from './stream/backoff.js';
import { describeError } from './stream/grpc-errors.js';
import { everyFrameImages, type SequencedImage } from './stream/every-frame-images.js';
import { EveryFrameTracker } from './stream/every-frame-tracker.js';
import { hostImageStream, hostStream } from './stream/host-image-stream.js';
import { roiRecords, type RoiRecord } from './stream/roi-records.js';
import { mergeBatchesInArrivalOrder, mergeInArrivalOrder } from './stream/merge-in-arrival-order.js';
import { teeAsync } from './stream/tee-async.js';
import { imageFromResponse } from './image-from-response.js';
import { UploadError, uploadFailure } from './upload-error.js';

export interface DaqClientOptions {
  /** Stream reconnect policy (on by default); `false` switches it off. Per-stream override in streamImages. */
  reconnect?: Partial<ReconnectOptions> | boolean;
  /** Sent as `authorization: Bearer <token>`. */
  authToken?: string;
  /** PEM root certificate(s): connect with TLS. */
  tlsRootCerts?: Buffer;
  /** Default ping timeout (ms) for host discovery; default 1000. */
  pingTimeoutMs?: number;
  /** Timeout (ms) of unary calls such as InitHpIo; default 10 000. */
  callTimeoutMs?: number;
}

export type DaqClientSource =
  | { daqConfig: string | DaqConfig | object; networkConfig?: string | NetworkConfig | object | null }
  | { addresses: readonly string[] };

export type Hosts = string | readonly string[] | undefined;

export interface StreamImagesOptions {
  /** Hosts to stream from; omitted or empty = every host that answers a ping now. */
  hosts?: Hosts;
  /** Movie-mode images (default true). */
  movie?: boolean;
  /** Pulse-height images (default true). */
  pulseHeight?: boolean;
  /**
   * 'latest' (default): at most one image per module and type per interval, the newest.
   * 'every-frame': every frame, in order, resumed after a reconnect from the last one delivered
   * (no duplicate; no loss while the node's ring holds them); what cannot be delivered is
   * reported as a 'gap' status event and to `onGap`. Parsed images then carry `sequence` and
   * `incarnation`.
   */
  delivery?: 'latest' | 'every-frame';
  /** every-frame: most images per message from a node (default: the node's, 1,024; at most 65,536). */
  batchLimit?: number;
  /** every-frame: called for each gap (also a 'gap' event on the status stream). */
  onGap?: (gap: FrameGapEvent) => void;
  /**
   * every-frame: per host, where to start: after this sequence of this incarnation (a resume
   * point kept elsewhere, e.g. by a gateway in what it published before a restart). A host
   * without one starts with the oldest frame the node holds.
   */
  resumeFrom?: Readonly<Record<string, ResumeFrom>>;
  /** latest: at most one image per module and type per this many seconds (default 1). every-frame: a waiting stream is woken at most this often, batching a trickle (default 0.001). */
  updateIntervalSeconds?: number;
  /** Only these modules (default all). */
  moduleIds?: readonly number[];
  /** true (default): ParsedImage; false: the raw StreamImagesResponse with its host. */
  parse?: boolean;
  /** Aborting ends the stream and cancels every RPC. */
  signal?: AbortSignal;
  /** Overrides the client's reconnect policy for this stream. */
  reconnect?: Partial<ReconnectOptions> | boolean;
  /** End when every host is gone for good (default true); false keeps waiting for the signal. */
  endWhenAllGone?: boolean;
  /** Images buffered ahead of a slow consumer (default 256). */
  bufferSize?: number;
}

/** A point in a node's every-frame numbering: after `afterSequence` of `incarnation`. */
export interface ResumeFrom {
  incarnation: string;
  afterSequence: number;
}

/** What `client.roiStats()` asks: ROIs, and which images (the stream options of an every-frame streamImages). */
export type RoiStatsOptions = Pick<
  StreamImagesOptions,
  'hosts' | 'movie' | 'pulseHeight' | 'moduleIds' | 'batchLimit' | 'onGap' | 'updateIntervalSeconds' | 'signal' | 'reconnect' | 'endWhenAllGone' | 'bufferSize'
> & {
  /** Named rectangles in psen's [offset_x, size_x, offset_y, size_y], each with an optional background. */
  rois: readonly NamedRoi[];
};

/** What `parse: false` yields: the protocol message as received, and the node it came from. */
export interface RawImageMessage {
  host: string;
  response: StreamImagesResponse;
}

export interface HpIoConfig {
  /** Data directory on the node; default: the node's data_dir from daq_config. */
  dataDir?: string;
  updateIntervalSeconds: number;
  /** Reconfigure even if streams are active (they end with CANCELLED and reconnect). */
  force?: boolean;
  simulateDaq?: boolean;
  moduleIds?: readonly number[];
}

export interface InitHpIoResult {
  /** Every host succeeded. */
  success: boolean;
  hosts: Record<string, { success: boolean; errorMessage: string }>;
}

/** Defaults for a simulated run (initSim). */
export const SIMULATED_HP_IO: Readonly<HpIoConfig> = { updateIntervalSeconds: 0.1, force: false, simulateDaq: true, moduleIds: [] };

export class DaqClient implements AsyncDisposable {
  readonly nodes: readonly DaqNode[];
  readonly #connections = new Map<string, NodeConnection>();
  readonly #events = new EventHub();
  readonly #calls = new OpenCallCounter();
  readonly #reconnect: ReconnectOptions;
  readonly #options: DaqClientOptions;
  /** Aborted by close(): ends every open stream, including its reconnect loop. */
  readonly #lifetime = new AbortController();
  #closed = false;

  /** From daq_config (+ network_config) as paths or objects, or from a list of addresses. */
  constructor(source: DaqClientSource, options: DaqClientOptions = {}) {
    this.nodes = 'addresses' in source ? nodesFromAddresses(source.addresses) : nodesFromDaqConfig(source.daqConfig, source.networkConfig);
    this.#options = options;
    this.#reconnect = reconnectOptions(options.reconnect);
    for (const node of this.nodes) {
      this.#connections.set(node.name, new NodeConnection(node, { reconnect: this.#reconnect, authToken: options.authToken, tlsRootCerts: options.tlsRootCerts }, this.#calls));
    }
  }

  static fromConfig(daqConfig: string | DaqConfig | object, networkConfig?: string | NetworkConfig | object | null, options?: DaqClientOptions): DaqClient {
    return new DaqClient({ daqConfig, networkConfig }, options);
  }

  static fromAddresses(addresses: readonly string[], options?: DaqClientOptions): DaqClient {
    return new DaqClient({ addresses }, options);
  }

  /** Every configured host's name ('host:port' or 'unix:/path'). */
  get hosts(): string[] {
    return this.nodes.map((n) => n.name);
  }

  /** RPCs started through this client and not yet finished (0 after a stream is stopped). */
  get openCalls(): number {
    return this.#calls.open;
  }

  #connection(node: DaqNode): NodeConnection {
    if (this.#closed) throw new Error('DaqClient is closed');
    return this.#connections.get(node.name)!;
  }

  async #nodesFor(hosts: Hosts): Promise<DaqNode[]> {
    if (!meansAllHosts(hosts)) return selectNodes(this.nodes, hosts);
    const alive = await this.#responsive(this.nodes);
    if (alive.length === 0) throw new NoResponsiveHostsError(this.hosts);
    return alive;
  }

  async #responsive(nodes: readonly DaqNode[]): Promise<DaqNode[]> {
    const probes = await Promise.all(nodes.map((n) => this.#probe(n, this.#defaultPingTimeoutMs)));
    return nodes.filter((_, i) => probes[i]!.ok);
  }

  get #defaultPingTimeoutMs(): number {
    return this.#options.pingTimeoutMs ?? 1000;
  }

  #probe(node: DaqNode, timeoutMs: number): Promise<ProbeResult> {
    return probeNode(this.#connection(node), timeoutMs); // a closed client is an error, not a dead host
  }

  /**
   * Pings `host` (default timeout 1000 ms): whether it answers, its latency, and if it does not,
   * the reason ('UNAVAILABLE: ...', 'DEADLINE_EXCEEDED after 1000 ms'). An unconfigured host is an error.
   */
  async probe(host: string, options: { timeoutMs?: number } = {}): Promise<ProbeResult> {
    const [node] = selectNodes(this.nodes, host);
    return this.#probe(node!, options.timeoutMs ?? this.#defaultPingTimeoutMs);
  }

  /** `host`'s ROI processing statistics (GetRoiStatistics, psen's /statistics): start time, frames processed, ROI computations, last frame time, active ROI streams, records sent. */
  async roiStatistics(host: string): Promise<RoiStatistics> {
    const [node] = selectNodes(this.nodes, host);
    return this.#connection(node!).daq.getRoiStatistics({}, { signal: this.#callSignal() });
  }

  /** Whether `host` answers within `timeoutMs` (default 1000): probe() without the details. */
  async ping(host: string, options: { timeoutMs?: number } = {}): Promise<boolean> {
    return (await this.probe(host, options)).ok;
  }

  /** The hosts that answer a ping now. */
  async getValidDaqHosts(): Promise<string[]> {
    return (await this.#responsive(this.nodes)).map((n) => n.name);
  }

  /** Every configured host and whether it answers a ping now (probe() each for the reasons). */
  async getDaqHostStatus(): Promise<Record<string, boolean>> {
    const probes = await Promise.all(this.nodes.map((n) => this.#probe(n, this.#defaultPingTimeoutMs)));
    return Object.fromEntries(probes.map((p) => [p.host, p.ok]));
  }

  /** The services each host offers (gRPC server reflection) and the DaqData methods. */
  async reflectServices(hosts?: Hosts): Promise<HostReflection[]> {
    const nodes = await this.#nodesFor(hosts);
    return Promise.all(nodes.map((n) => reflectNode(this.#connection(n), this.#callSignal())));
  }

  #callSignal(): AbortSignal {
    return AbortSignal.timeout(this.#options.callTimeoutMs ?? 10_000);
  }

  /** (Re)starts each node's watcher. RPC failures are reported per host, not thrown. */
  async initHpIo(hosts: Hosts, cfg: HpIoConfig): Promise<InitHpIoResult> {
    const nodes = await this.#nodesFor(hosts);
    const results = await Promise.all(
      nodes.map(async (node): Promise<[string, { success: boolean; errorMessage: string }]> => {
        const dataDir = cfg.dataDir ?? node.dataDir ?? '';
        if (!cfg.simulateDaq && dataDir === '') {
          return [node.name, { success: false, errorMessage: `no data directory: pass dataDir or set data_dir for ${node.configuredAddress} in daq_config` }];
        }
        const request: InitHpIoRequest = {
          dataDir,
          updateIntervalSeconds: cfg.updateIntervalSeconds,
          force: cfg.force ?? false,
          simulateDaq: cfg.simulateDaq ?? false,
          moduleIds: [...(cfg.moduleIds ?? [])],
        };
        try {
          const r = await this.#connection(node).daq.initHpIo(request, { signal: this.#callSignal() });
          return [node.name, { success: r.success, errorMessage: r.errorMessage }];
        } catch (err) {
          return [node.name, { success: false, errorMessage: describeError(err) }];
        }
      }),
    );
    return { success: results.every(([, r]) => r.success), hosts: Object.fromEntries(results) };
  }

  /** initHpIo on simulated data (SIMULATED_HP_IO, overridable). */
  initSim(hosts?: Hosts, cfg: Partial<HpIoConfig> = {}): Promise<InitHpIoResult> {
    return this.initHpIo(hosts, { ...SIMULATED_HP_IO, ...cfg, simulateDaq: true });
  }

  /**
   * Uploads every image to every host (the source is read once). Rejects with UploadError, one
   * failure (host, gRPC code, details) per host that failed; if the source itself throws, with its error.
   */
  async uploadImages(hosts: Hosts, images: Iterable<PanoImage> | AsyncIterable<PanoImage>): Promise<void> {
    const nodes = await this.#nodesFor(hosts);
    const { branches, done } = teeAsync(images, nodes.length);
    const outcomes = await Promise.allSettled(
      nodes.map((node, i) =>
        this.#connection(node)
          .daq.uploadImages(
            (async function* () {
              for await (const panoImage of branches[i]!) yield { panoImage };
            })(),
          )
          // A host whose upload failed takes no more images: it must not hold the others back.
          .finally(() => branches[i]!.end()),
      ),
    );
    const source = await done;
    // Every branch failed because the source did: that is the caller's error, not the hosts'.
    if (!source.ok) throw source.error;
    const failures = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [uploadFailure(nodes[i]!.name, o.reason)] : []));
    if (failures.length > 0) throw new UploadError(failures, nodes.length);
  }

  /** Images from every selected host, merged in arrival order; reconnects per the policy. */
  streamImages(options: StreamImagesOptions & { delivery: 'every-frame'; parse?: true }): AsyncGenerator<SequencedImage>;
  streamImages(options?: StreamImagesOptions & { parse?: true }): AsyncGenerator<ParsedImage>;
  streamImages(options: StreamImagesOptions & { parse: false }): AsyncGenerator<RawImageMessage>;
  streamImages(options?: StreamImagesOptions): AsyncGenerator<ParsedImage | RawImageMessage>;
  streamImages(options: StreamImagesOptions = {}): AsyncGenerator<ParsedImage | RawImageMessage> {
    // The merged stream is returned as it is (no generator around it: one promise round trip per
    // image less); the request is checked and the hosts chosen at the first next(), as before.
    const signal = options.signal ? AbortSignal.any([options.signal, this.#lifetime.signal]) : this.#lifetime.signal;
    return mergeBatchesInArrivalOrder(() => this.#imageSources(options), { capacity: options.bufferSize ?? 256, endWhenAllGone: options.endWhenAllGone ?? true, signal });
  }

  /** streamImages' sources: per host, its images in batches (per response). */
  async #imageSources(options: StreamImagesOptions): Promise<Array<(signal: AbortSignal) => AsyncIterable<Array<ParsedImage | RawImageMessage>>>> {
    const request = streamRequest(options);
    const reconnect = options.reconnect === undefined ? this.#reconnect : reconnectOptions(options.reconnect);
    const nodes = await this.#nodesFor(options.hosts);
    const parse = options.parse ?? true;
    const events = this.#events;
    const everyFrame = options.delivery === 'every-frame';
    const batchLimit = everyFrame ? everyFrameBatchLimit(options.batchLimit) : 0;
    return nodes.map((node) => {
      const conn = this.#connection(node);
      if (everyFrame) {
        // One tracker per host for the whole call: each reconnect resumes after its last frame.
        // Parsed images are taken as the files hold them (PFF runs): no encoding on the node, and
        // parsed here as the core reader parses files. Raw messages stay PanoImages (as recorded, relayed).
        const tracker = new EveryFrameTracker(batchLimit, options.resumeFrom?.[node.name], parse);
        return (signal: AbortSignal) =>
          everyFrameImages(
            hostImageStream(conn, { request: () => tracker.request(request), reconnect, connectTimeoutMs: this.#defaultPingTimeoutMs, events, signal, forParsing: parse }),
            tracker,
            { host: node.name, parse, events, onGap: options.onGap },
          );
      }
      return (signal: AbortSignal) =>
        asImages(hostImageStream(conn, { request, reconnect, connectTimeoutMs: this.#defaultPingTimeoutMs, events, signal, forParsing: parse }), node.name, parse, events);
    });
  }

  /**
   * Every frame's ROI stats (StreamRoiStats) from every selected host, merged in arrival order:
   * per host in sequence order, resumed after a reconnect from the last record delivered (the
   * every-frame tracker: no duplicate, gaps reported as 'gap' events and to `onGap`).
   */
  async *roiStats(options: RoiStatsOptions): AsyncGenerator<RoiRecord> {
    const base = roiStatsRequest(options);
    const reconnect = options.reconnect === undefined ? this.#reconnect : reconnectOptions(options.reconnect);
    const nodes = await this.#nodesFor(options.hosts);
    const events = this.#events;
    const sources = nodes.map((node) => {
      const conn = this.#connection(node);
      const tracker = new EveryFrameTracker(base.batchLimit);
      const request = (): StreamRoiStatsRequest => {
        const at = tracker.resumePoint;
        return { ...base, resume: at ? { nodeIncarnation: at.incarnation, afterSequence: at.afterSequence } : undefined };
      };
      return (signal: AbortSignal) =>
        roiRecords(
          hostStream(conn, { request, reconnect, connectTimeoutMs: this.#defaultPingTimeoutMs, events, signal }, (daq, r, s) => daq.streamRoiStats(r, { signal: s })),
          tracker,
          { host: node.name, rois: options.rois, events, onGap: options.onGap },
        );
    });
    const signal = options.signal ? AbortSignal.any([options.signal, this.#lifetime.signal]) : this.#lifetime.signal;
    yield* mergeInArrivalOrder(sources, { capacity: options.bufferSize ?? 256, endWhenAllGone: options.endWhenAllGone ?? true, signal });
  }

  /** roiStats as an Observable; unsubscribing cancels every RPC. */
  roiStats$(options: RoiStatsOptions): Observable<RoiRecord> {
    return observableOf(options.signal, (signal) => this.roiStats({ ...options, signal }));
  }

  /** streamImages as an Observable; unsubscribing cancels every RPC. */
  images$(options: StreamImagesOptions & { delivery: 'every-frame'; parse?: true }): Observable<SequencedImage>;
  images$(options?: StreamImagesOptions & { parse?: true }): Observable<ParsedImage>;
  images$(options: StreamImagesOptions & { parse: false }): Observable<RawImageMessage>;
  images$(options: StreamImagesOptions = {}): Observable<ParsedImage | RawImageMessage> {
    return observableOf(options.signal, (signal) => this.streamImages({ ...options, signal }));
  }

  /** Host events (connected, disconnected, reconnecting, gone, invalid-image) of every stream of this client. */
  get status$(): Observable<StreamEvent> {
    return this.#events.events$;
  }

  /** Calls `listener` on every host event; returns the function that stops it. */
  onStatus(listener: (event: StreamEvent) => void): () => void {
    return this.#events.on(listener);
  }

  /** Host events as an async iterable, until `signal` aborts or the client closes. */
  statusEvents(signal?: AbortSignal): AsyncGenerator<StreamEvent> {
    return this.#events.events(signal);
  }

  /** Last known state of each host that has streamed. */
  hostStates(): Record<string, HostState> {
    return this.#events.states();
  }

  /** Closes every channel; open streams end. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#lifetime.abort();
    for (const conn of this.#connections.values()) conn.close();
    this.#events.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function streamRequest(o: StreamImagesOptions): StreamImagesRequest {
  const movie = o.movie ?? true;
  const pulseHeight = o.pulseHeight ?? true;
  if (!movie && !pulseHeight) throw new TypeError('streamImages: movie and pulseHeight are both false: nothing to stream');
  if (o.delivery !== undefined && o.delivery !== 'latest' && o.delivery !== 'every-frame') {
    throw new TypeError(`streamImages: delivery must be 'latest' or 'every-frame', got ${String(o.delivery)}`);
  }
  for (const [host, at] of Object.entries(o.resumeFrom ?? {})) {
    if (typeof at?.incarnation !== 'string' || at.incarnation === '') throw new TypeError(`streamImages: resumeFrom[${host}].incarnation must be a non-empty string`);
    if (!Number.isSafeInteger(at.afterSequence) || at.afterSequence < 0) throw new RangeError(`streamImages: resumeFrom[${host}].afterSequence must be a non-negative integer, got ${at.afterSequence}`);
  }
  const interval = o.updateIntervalSeconds ?? (o.delivery === 'every-frame' ? 0.001 : 1);
  if (!(Number.isFinite(interval) && interval > 0)) throw new RangeError(`streamImages: updateIntervalSeconds must be a positive number, got ${interval}`);
  const moduleIds = [...(o.moduleIds ?? [])];
  const badId = moduleIds.find((id) => !Number.isInteger(id) || id < 0 || id > 0xffffffff);
  if (badId !== undefined) throw new RangeError(`streamImages: moduleIds must be non-negative integers, got ${badId}`);
  return { streamMovieData: movie, streamPulseHeightData: pulseHeight, updateIntervalSeconds: interval, moduleIds };
}

/** An async iterable as an Observable: unsubscribing (or the caller's signal) aborts it. */
function observableOf<T>(outer: AbortSignal | undefined, open: (signal: AbortSignal) => AsyncIterable<T>): Observable<T> {
  return new Observable((subscriber) => {
    const controller = new AbortController();
    const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
    void (async () => {
      try {
        for await (const item of open(signal)) subscriber.next(item);
        subscriber.complete();
      } catch (err) {
        subscriber.error(err);
      }
    })();
    return () => controller.abort();
  });
}

const protoRect = ([offsetX, sizeX, offsetY, sizeY]: PsenRect): RoiRect => ({ offsetX, sizeX, offsetY, sizeY });

/** The StreamRoiStats request of roiStats' options (no resume point); throws naming the ROI and the rule. */
export function roiStatsRequest(o: RoiStatsOptions): Omit<StreamRoiStatsRequest, 'resume'> & { resume?: undefined } {
  const images = streamRequest({ ...o, delivery: 'every-frame' });
  const problem = roiSetProblem(o.rois);
  if (problem) throw new RangeError(`roiStats: ${formatRoiProblem(problem)}`);
  return {
    rois: o.rois.map((r) => ({ name: r.name, rect: protoRect(r.rect), background: r.background && protoRect(r.background) })),
    moduleIds: images.moduleIds,
    movie: images.streamMovieData,
    pulseHeight: images.streamPulseHeightData,
    batchLimit: everyFrameBatchLimit(o.batchLimit),
    updateIntervalSeconds: images.updateIntervalSeconds,
  };
}

/** The batch limit an every-frame request carries (0: the node's default). */
function everyFrameBatchLimit(limit: number | undefined): number {
  if (limit === undefined) return 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 65_536) throw new RangeError(`streamImages: batchLimit must be an integer 1-65536, got ${limit}`);
  return limit;
}

/** Parses each response (or wraps it raw); an image that does not parse is reported and skipped. */
async function* asImages(
  responses: AsyncIterable<StreamImagesResponse>,
  host: string,
  parse: boolean,
  events: EventHub,
): AsyncGenerator<Array<ParsedImage | RawImageMessage>> {
  // One image per response: a batch of one, as the fan-in takes them.
  for await (const response of responses) {
    if (!parse) {
      yield [{ host, response }];
      continue;
    }
    const image = imageFromResponse(response, host);
    if ('invalid' in image) events.emit({ type: 'invalid-image', host, at: new Date(), reason: image.invalid });
    else yield [image];
  }
}

