// The sync-style face, for scripts and REPLs: methods return values directly and images come
// from a plain `for...of`. It is the async DaqClient running in a worker thread; each call
// posts a request and blocks in Atomics.wait (no busy waiting) until the worker has replied,
// then takes the reply with receiveMessageOnPort. Images cross as raw protocol messages and are
// parsed here with core's parser, because a ParsedImage's at() accessor cannot be cloned.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { PanoImage, ParsedImage, RoiStatistics } from '@daqdata/core';
import { ClientConfigError } from '../config/client-config-error.js';
import type { DaqClientOptions, DaqClientSource, Hosts, HpIoConfig, InitHpIoResult, RawImageMessage, RoiStatsOptions, StreamImagesOptions } from '../daq-client.js';
import type { ProbeResult } from '../grpc/probe-node.js';
import type { HostReflection } from '../grpc/reflect-node.js';
import { NoResponsiveHostsError, UnknownHostError } from '../host-selection.js';
import { imageFromResponse } from '../image-from-response.js';
import type { HostState, StreamEvent } from '../status/stream-event.js';
import { HostGoneError } from '../stream/host-image-stream.js';
import type { RoiRecord } from '../stream/roi-records.js';
import { sequenceOf, type SequencedImage } from '../stream/every-frame-images.js';
import { AllHostsFailedError } from '../stream/merge-in-arrival-order.js';
import { UploadError, type UploadFailure } from '../upload-error.js';
import { REPLY_FLAG, type SerializedError, type SyncCallMethod, type SyncReply, type SyncRequest } from './sync-protocol.js';

const WORKER_START_TIMEOUT_MS = 30_000;

/** Stream options the sync face accepts: no AbortSignal (break or close() stops a stream). */
/** streamImages' options; every-frame gaps come as 'gap' status events (takeStatusEvents), a callback cannot cross to the worker. */
export type SyncStreamImagesOptions = Omit<StreamImagesOptions, 'signal' | 'onGap'>;

/** roiStats' options on the sync face: no AbortSignal (break or close() stops it); gaps come as 'gap' status events (takeStatusEvents). */
export type SyncRoiStatsOptions = Omit<RoiStatsOptions, 'signal' | 'onGap'>;

/** Rebuilds the error the worker threw, with its class where the SDK defines one. */
function reviveError(e: SerializedError): Error {
  const f = e.fields;
  let err: Error;
  switch (e.name) {
    case 'ClientConfigError':
      err = new ClientConfigError(String(f.source), String(f.key), String(f.reason));
      break;
    case 'UnknownHostError':
      err = new UnknownHostError(String(f.host), f.validHosts as string[]);
      break;
    case 'NoResponsiveHostsError':
      err = new NoResponsiveHostsError(f.configuredHosts as string[]);
      break;
    case 'HostGoneError':
      err = new HostGoneError(String(f.host), String(f.reason), Boolean(f.permanent));
      break;
    case 'AllHostsFailedError':
      err = new AllHostsFailedError([], e.message);
      break;
    case 'UploadError':
      err = new UploadError(f.failures as UploadFailure[], Number(f.hostCount));
      break;
    default:
      err = new Error(e.message);
      if (e.name !== 'Error') Object.defineProperty(err, 'name', { value: e.name });
      Object.assign(err, f);
  }
  return err;
}

/** The SDK's sync-style face (`@daqdata/client/sync`): DaqClient's calls returning plain values, images from a blocking `for...of`. */
export class SyncDaqClient implements Disposable {
  readonly hosts: readonly string[];
  readonly #port: MessagePort;
  readonly #worker: Worker;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  readonly #localEvents: StreamEvent[] = [];
  #nextStreamId = 1;
  #closed = false;

  /** Same arguments as DaqClient; configuration errors are thrown here, synchronously. */
  constructor(source: DaqClientSource, options: DaqClientOptions = {}) {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#worker = new Worker(new URL('./sync-worker.js', import.meta.url), {
      workerData: { port: port2, flag: this.#flag, source, options },
      transferList: [port2],
    });
    // A script that forgets close() still exits: neither the worker nor the port keeps it alive.
    this.#worker.unref();
    this.#port.unref();
    try {
      // Bounded: a worker that cannot even load (e.g. an unbuilt package) must not hang the caller.
      const ready = this.#await(WORKER_START_TIMEOUT_MS) as { hosts: string[] };
      this.hosts = ready.hosts;
    } catch (err) {
      this.#closed = true;
      void this.#worker.terminate();
      throw err;
    }
  }

  /** From a daq_config.json (and optionally network_config.json), as DaqClient.fromConfig; config errors are thrown here. */
  static fromConfig(daqConfig: string | object, networkConfig?: string | object | null, options?: DaqClientOptions): SyncDaqClient {
    return new SyncDaqClient({ daqConfig, networkConfig }, options);
  }

  /** From `host:port` or `unix:` addresses, as DaqClient.fromAddresses. */
  static fromAddresses(addresses: readonly string[], options?: DaqClientOptions): SyncDaqClient {
    return new SyncDaqClient({ addresses }, options);
  }

  /** Blocks until the worker's reply is posted (or `timeoutMs` passes); returns its value or throws its error. */
  #await(timeoutMs?: number): unknown {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    while (true) {
      const received = receiveMessageOnPort(this.#port);
      if (received) {
        Atomics.store(this.#flag, REPLY_FLAG, 0);
        const reply = received.message as SyncReply;
        if (reply.ok) return reply.value;
        throw reviveError(reply.error);
      }
      const left = deadline === undefined ? undefined : deadline - Date.now();
      if (left !== undefined && left <= 0) throw new Error(`SyncDaqClient: the worker did not answer within ${timeoutMs} ms`);
      Atomics.wait(this.#flag, REPLY_FLAG, 0, left);
    }
  }

  #request(req: SyncRequest): unknown {
    if (this.#closed) throw new Error('SyncDaqClient is closed');
    this.#port.postMessage(req);
    return this.#await();
  }

  #call(method: SyncCallMethod, ...args: unknown[]): unknown {
    return this.#request({ op: 'call', method, args });
  }

  /** Whether the host answers a Ping within the timeout. */
  ping(host: string, options: { timeoutMs?: number } = {}): boolean {
    return this.#call('ping', host, options) as boolean;
  }

  /** The host's Ping result with its round-trip time or the reason it failed. */
  probe(host: string, options: { timeoutMs?: number } = {}): ProbeResult {
    return this.#call('probe', host, options) as ProbeResult;
  }

  /** Every configured host address. */
  getValidDaqHosts(): string[] {
    return this.#call('getValidDaqHosts') as string[];
  }

  /** Each configured host and whether it answers now. */
  getDaqHostStatus(): Record<string, boolean> {
    return this.#call('getDaqHostStatus') as Record<string, boolean>;
  }

  /** The services and methods each host offers, through gRPC server reflection. */
  reflectServices(hosts?: Hosts): HostReflection[] {
    return this.#call('reflectServices', hosts) as HostReflection[];
  }

  /** InitHpIo on the hosts, with the result per host. */
  initHpIo(hosts: Hosts, cfg: HpIoConfig): InitHpIoResult {
    return this.#call('initHpIo', hosts, cfg) as InitHpIoResult;
  }

  /** InitHpIo with simulate_daq on the hosts (default: all), with the result per host. */
  initSim(hosts?: Hosts, cfg: Partial<HpIoConfig> = {}): InitHpIoResult {
    return this.#call('initSim', hosts, cfg) as InitHpIoResult;
  }

  /** Sends images to the hosts through UploadImages; throws UploadError naming each host that failed. */
  uploadImages(hosts: Hosts, images: readonly PanoImage[]): void {
    this.#call('uploadImages', hosts, images);
  }

  /** Last known state of each host that has streamed. */
  hostStates(): Record<string, HostState> {
    return this.#call('hostStates') as Record<string, HostState>;
  }

  /** Host events (connected, disconnected, reconnecting, gone, invalid-image) since the last call. */
  takeStatusEvents(): StreamEvent[] {
    const events = [...(this.#call('takeStatusEvents') as StreamEvent[]), ...this.#localEvents.splice(0)];
    return events.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** RPCs the worker's client has open (0 once streams are stopped). */
  openCalls(): number {
    return this.#call('openCalls') as number;
  }

  /** `host`'s ROI processing statistics (GetRoiStatistics), as DaqClient.roiStatistics. */
  roiStatistics(host: string): RoiStatistics {
    return this.#call('roiStatistics', host) as RoiStatistics;
  }

  /**
   * Every frame's ROI stats from every selected host, as DaqClient.roiStats (in order per host,
   * resumed after a reconnect without duplicates); each step blocks until the next record.
   * Invalid ROIs are thrown here, naming the ROI and the rule. `break` cancels the RPCs.
   */
  roiStats(options: SyncRoiStatsOptions): IterableIterator<RoiRecord> & Disposable {
    return this.#stream('roiStats', options as Record<string, unknown>, (value) => value as RoiRecord);
  }

  /** Images merged from every selected host; each step blocks until the next image arrives. `break` cancels the RPCs. */
  streamImages(options: SyncStreamImagesOptions & { delivery: 'every-frame'; parse?: true }): IterableIterator<SequencedImage> & Disposable;
  streamImages(options?: SyncStreamImagesOptions & { parse?: true }): IterableIterator<ParsedImage> & Disposable;
  streamImages(options: SyncStreamImagesOptions & { parse: false }): IterableIterator<RawImageMessage> & Disposable;
  streamImages(options: SyncStreamImagesOptions = {}): IterableIterator<ParsedImage | RawImageMessage> & Disposable {
    const { parse = true, ...rest } = options;
    return this.#stream('images', rest as Record<string, unknown>, (value) => {
      const raw = value as RawImageMessage;
      if (!parse) return raw;
      const image = imageFromResponse(raw.response, raw.host);
      // An every-frame image: the worker sent it alone with its sequence.
      const sequence = sequenceOf(raw.response);
      if (!('invalid' in image)) return sequence ? Object.assign(image, sequence) : image;
      this.#localEvents.push({ type: 'invalid-image', host: raw.host, at: new Date(), reason: image.invalid });
      return undefined;
    });
  }

  /** A stream the worker runs, as a blocking iterator; `map` turns each value into what is yielded (undefined: skipped). */
  #stream<T>(kind: 'images' | 'roiStats', options: Record<string, unknown>, map: (value: unknown) => T | undefined): IterableIterator<T> & Disposable {
    const streamId = this.#nextStreamId++;
    this.#request({ op: 'streamOpen', streamId, kind, options });
    let finished = false;
    const client = this;
    const finish = (): IteratorReturnResult<undefined> => {
      if (!finished && !client.#closed) client.#request({ op: 'streamClose', streamId });
      finished = true;
      return { done: true, value: undefined };
    };
    const iterator: IterableIterator<T> & Disposable = {
      next(): IteratorResult<T> {
        while (!finished) {
          let r: { done: true } | { done: false; value: unknown };
          try {
            r = client.#request({ op: 'streamNext', streamId }) as typeof r;
          } catch (err) {
            finished = true; // the worker's stream has ended with this error
            throw err;
          }
          if (r.done) {
            finished = true;
            break;
          }
          const value = map(r.value);
          if (value !== undefined) return { done: false, value };
        }
        return { done: true, value: undefined };
      },
      return: finish,
      [Symbol.iterator]() {
        return this;
      },
      [Symbol.dispose]() {
        finish();
      },
    };
    return iterator;
  }

  /** Stops every stream, closes the channels and ends the worker. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#request({ op: 'close' });
    this.#closed = true;
    this.#port.close();
  }

  /** close(), for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
