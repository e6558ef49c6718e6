// Viewing straight from NATS, with the SDK's types: ParsedImage (through core's one parser) and
// the SDK's status events (its EventHub). The newest image of every subject first, then live;
// or the events stream replayed from a sequence. Here rather than DaqClient.fromNats in
// @daqdata/client, so the SDK carries no NATS dependency (README).
import { EventHub, type HostState, type ParsedImage, type StreamEvent } from '@daqdata/client';
import { PanoImage, parsePanoImage } from '@daqdata/core';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Observable } from 'rxjs';
import { HEADER, numberHeader } from './image-headers.js';
import { connectNats } from './nats-connection.js';
import { natsImages } from './nats-image-feed.js';
import type { ImageFilter } from './subjects.js';

export type NatsDaqClientOptions = ImageFilter & { timeoutMs?: number };

export interface NatsStreamOptions {
  movie?: boolean;
  pulseHeight?: boolean;
  /** Replay the events stream (pulse-height) from this sequence on: resume after the last `nats.sequence` seen, plus one. */
  eventsFromSequence?: number;
  /** Images held ahead of a slow consumer (default 1024). */
  bufferSize?: number;
  signal?: AbortSignal;
}

/** A ParsedImage (host: the node's address) and where it sits in JetStream. */
export type NatsParsedImage = ParsedImage & { nats: { stream: string; sequence: number } };

export class NatsDaqClient implements AsyncDisposable {
  readonly #events = new EventHub();
  readonly #lifetime = new AbortController();

  private constructor(
    readonly url: string,
    readonly nc: NatsConnection,
    readonly filter: ImageFilter,
  ) {
    this.#events.emit({ type: 'connected', host: url, at: new Date() });
    void this.#watchConnection();
  }

  /** Connects (NatsUnavailableError naming the URL when nothing answers there). */
  static async connect(url: string, options: NatsDaqClientOptions = {}): Promise<NatsDaqClient> {
    const { timeoutMs, ...filter } = options;
    const nc = await connectNats(url, { name: 'daqdata-viewer', ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    return new NatsDaqClient(url, nc, filter);
  }

  async #watchConnection(): Promise<void> {
    let attempt = 0;
    for await (const s of this.nc.status()) {
      const at = new Date();
      if (s.type === 'disconnect') this.#events.emit({ type: 'disconnected', host: this.url, at, reason: 'NATS connection lost' });
      else if (s.type === 'reconnecting') this.#events.emit({ type: 'reconnecting', host: this.url, at, attempt: ++attempt, delayMs: 0, reason: 'NATS connection lost' });
      else if (s.type === 'reconnect') {
        attempt = 0;
        this.#events.emit({ type: 'connected', host: this.url, at });
      }
    }
    this.#events.emit({ type: 'gone', host: this.url, at: new Date(), reason: 'NATS connection closed' });
  }

  /** Images from NATS, parsed; one that does not parse is reported ('invalid-image') and skipped. */
  async *streamImages(options: NatsStreamOptions = {}): AsyncGenerator<NatsParsedImage> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.#lifetime.signal]) : this.#lifetime.signal;
    const feed = natsImages(this.nc, {
      filter: this.filter,
      signal,
      ...(options.movie === undefined ? {} : { movie: options.movie }),
      ...(options.pulseHeight === undefined ? {} : { pulseHeight: options.pulseHeight }),
      ...(options.eventsFromSequence === undefined ? {} : { eventsFromSequence: options.eventsFromSequence }),
      ...(options.bufferSize === undefined ? {} : { capacity: options.bufferSize }),
    });
    for await (const m of feed) {
      const sentNs = numberHeader(m.headers, HEADER.nodeSentNs);
      try {
        const image = parsePanoImage(PanoImage.decode(m.bytes), { host: m.node, ...(sentNs === null ? {} : { serverTimestamp: new Date(sentNs / 1e6) }) });
        yield Object.assign(image, { nats: { stream: m.stream, sequence: m.streamSequence } });
      } catch (err) {
        this.#events.emit({ type: 'invalid-image', host: m.node, at: new Date(), reason: (err as Error).message });
      }
    }
  }

  get status$(): Observable<StreamEvent> {
    return this.#events.events$;
  }

  onStatus(listener: (event: StreamEvent) => void): () => void {
    return this.#events.on(listener);
  }

  statusEvents(signal?: AbortSignal): AsyncGenerator<StreamEvent> {
    return this.#events.events(signal);
  }

  hostStates(): Record<string, HostState> {
    return this.#events.states();
  }

  /** Ends every stream and closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#lifetime.signal.aborted) return;
    this.#lifetime.abort();
    await this.nc.close();
    this.#events.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** `NatsDaqClient.connect`: the SDK's images and status events, read from NATS. */
export function natsDaqClient(url: string, options?: NatsDaqClientOptions): Promise<NatsDaqClient> {
  return NatsDaqClient.connect(url, options);
}
