// One DAQ node's channel and clients. The channel's own reconnect backoff follows the SDK's
// reconnect options, so a restarted node is reachable as soon as our retry asks for it rather
// than after grpc-js's default backoff (up to two minutes).
import { Channel, ChannelCredentials, createClientFactory, Metadata, type ClientMiddleware } from 'nice-grpc';
import { DaqDataDefinition, StreamImagesResponse, decodeStreamImagesResponse, type DaqDataClient } from '@daqdata/core';
import type { DaqNode } from '../config/daq-config.js';
import type { ReconnectOptions } from '../stream/backoff.js';
import { ReflectionV1AlphaDefinition, ReflectionV1Definition } from './server-reflection.js';
import type { Client } from 'nice-grpc';

export interface ConnectionOptions {
  reconnect: ReconnectOptions;
  /** Sent as `authorization: Bearer <token>` (nodes with an auth token require it for InitHpIo and UploadImages). */
  authToken?: string | undefined;
  /** PEM root certificate(s) for TLS; absent = plaintext. */
  tlsRootCerts?: Buffer | undefined;
}

/** Counts calls that have started and not yet finished, across every node of a client. */
export class OpenCallCounter {
  #open = 0;
  get open(): number {
    return this.#open;
  }
  readonly middleware: ClientMiddleware;
  constructor() {
    const self = this;
    this.middleware = async function* (call, options) {
      self.#open++;
      try {
        return yield* call.next(call.request, options);
      } finally {
        self.#open--;
      }
    };
  }
}

/**
 * The HTTP/2 receive window this client grants a node, per stream and per connection. With
 * HTTP/2's default of 64 KiB a node sends 64 KiB, then waits for this client's WINDOW_UPDATE,
 * which it sees only in its next event-loop turn: a node reading a backlog (turns of tens of
 * ms) sent its every-frame readers one window per turn, and they fell seconds behind (in the
 * bench, 26k of 160k img16 frames delivered with the default ring, 130-140k with this
 * window). 8 MiB is what a busy node may send per turn; it bounds what a node may have sent
 * that this client has not read yet.
 */
export const FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;

export class NodeConnection {
  readonly channel: Channel;
  readonly daq: DaqDataClient;
  /** The same service, its StreamImages responses decoded for parsing only (image_array left packed: see decodeStreamImagesResponse). */
  readonly daqForParsing: DaqDataClient;
  readonly reflectionV1: Client<typeof ReflectionV1Definition>;
  readonly reflectionV1Alpha: Client<typeof ReflectionV1AlphaDefinition>;

  constructor(readonly node: DaqNode, options: ConnectionOptions, calls: OpenCallCounter) {
    const credentials = options.tlsRootCerts ? ChannelCredentials.createSsl(options.tlsRootCerts) : ChannelCredentials.createInsecure();
    const backoffOptions = options.reconnect.enabled
      ? {
          'grpc.initial_reconnect_backoff_ms': Math.max(1, options.reconnect.initialDelayMs),
          'grpc.max_reconnect_backoff_ms': Math.max(1, options.reconnect.maxDelayMs),
        }
      : {};
    this.channel = new Channel(node.address.name, credentials, { ...backoffOptions, 'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES });
    const metadata = new Metadata();
    if (options.authToken) metadata.set('authorization', `Bearer ${options.authToken}`);
    const factory = createClientFactory().use(calls.middleware);
    const defaults = { '*': { metadata } };
    this.daq = factory.create(DaqDataDefinition, this.channel, defaults) as DaqDataClient;
    this.daqForParsing = factory.create(PARSING_DEFINITION, this.channel, defaults) as DaqDataClient;
    this.reflectionV1 = factory.create(ReflectionV1Definition, this.channel, defaults);
    this.reflectionV1Alpha = factory.create(ReflectionV1AlphaDefinition, this.channel, defaults);
  }

  close(): void {
    this.channel.close();
  }
}

/** DaqData with StreamImages responses decoded by hand, pixels left packed for parsePanoImage (the same messages otherwise). */
const PARSING_DEFINITION = {
  ...DaqDataDefinition,
  methods: {
    ...DaqDataDefinition.methods,
    streamImages: {
      ...DaqDataDefinition.methods.streamImages,
      responseType: { ...StreamImagesResponse, decode: (bytes: Uint8Array) => decodeStreamImagesResponse(bytes, { pixels: 'packed' }) },
    },
  },
} as typeof DaqDataDefinition;
