// The gateway's own DaqData service, fed from NATS: StreamImages with the node's request
// checks, filters and per-client latest-wins throttle (the server's ImageHub and
// ClientImageStream, reused), Ping, health and reflection (v1 and v1alpha). InitHpIo and
// UploadImages belong to the DAQ nodes: refused with FAILED_PRECONDITION naming them. The hub
// keeps the newest image per module and type, and the feed starts with the newest message of
// every subject in JetStream, so a viewer that connects gets every module's latest at once.
import { DaqDataDefinition, type StreamImagesRequest } from '@daqdata/core';
import {
  broadcastImage,
  ClientImageStream,
  DaqDataWireDefinition,
  ImageHub,
  loadDaqDataDescriptorSet,
  nodeNameField,
  reflectionImplementation,
  streamRequestNumbersProblem,
  ServerReflectionV1AlphaService,
  type BroadcastImage,
  type ImageResponse,
  type Logger,
} from '@daqdata/server';
import type { NatsConnection } from '@nats-io/transport-node';
import { createServer, ServerError, Status, type CallContext } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import { natsImages, type NatsImage } from './nats-image-feed.js';

export interface GatewayServerOptions {
  nc: NatsConnection;
  /** Listen address (default 127.0.0.1) and port (0: any free port). */
  host?: string;
  port: number;
  /** Floor for every stream's update_interval_seconds (default 0.001, a node's default). */
  minUpdateIntervalSeconds?: number;
  /** Concurrent StreamImages calls (default 10 000); more are RESOURCE_EXHAUSTED. */
  maxStreams?: number;
  /** The DAQ nodes this gateway relays (named in InitHpIo/UploadImages refusals); the nodes seen on NATS are added. */
  nodes?: readonly string[];
  log: Logger;
  clock?: () => number;
}

export interface RunningGatewayServer {
  address: string;
  port: number;
  hub: ImageHub;
  readonly activeStreamCount: number;
  /** Node names seen on NATS since start. */
  nodesSeen(): string[];
  close(): Promise<void>;
}

/** Distinct node names remembered for the response's name field and the refusals (names come from NATS headers: bounded). */
const MAX_NODES = 4096;

export async function startGatewayServer(options: GatewayServerOptions): Promise<RunningGatewayServer> {
  const { log } = options;
  const clock = options.clock ?? (() => performance.timeOrigin + performance.now());
  const minInterval = options.minUpdateIntervalSeconds ?? 0.001;
  const maxStreams = options.maxStreams ?? 10_000;
  const hub = new ImageHub();
  /** The response's name field per node name, and the node addresses seen (for the refusals). */
  const nameFields = new Map<string, Uint8Array>();
  const nodesSeen = new Set<string>();
  const imageNode = new WeakMap<BroadcastImage, Uint8Array>();
  const streams = new Set<ClientImageStream>();
  const lifetime = new AbortController();
  let closing = false;

  const nameFieldOf = (node: string): Uint8Array => {
    let field = nameFields.get(node);
    if (!field) {
      field = nodeNameField(node);
      if (nameFields.size < MAX_NODES) nameFields.set(node, field);
    }
    return field;
  };
  const relay = (m: NatsImage) => {
    const image = broadcastImage({ moduleId: m.moduleId, kind: m.kind, file: `${m.stream}#${m.streamSequence}`, frameNumber: 0, seenAt: clock() }, () => m.bytes);
    imageNode.set(image, nameFieldOf(m.nodeName));
    if (nodesSeen.size < MAX_NODES) nodesSeen.add(m.node);
    hub.publish(image);
  };
  const nodesToAsk = (): string => {
    const names = [...new Set([...(options.nodes ?? []), ...nodesSeen])];
    if (names.length === 0) return 'the DAQ nodes (none has published through NATS yet)';
    // At most 10, as the node names its streaming clients: the status stays small.
    return names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ');
  };
  const refuse = (method: string) => async (): Promise<never> => {
    throw new ServerError(Status.FAILED_PRECONDITION, `this is a gateway relaying NATS: send ${method} to the DAQ nodes: ${nodesToAsk()}`);
  };

  // The feed outlives a NATS outage: ordered consumers resume by themselves after a reconnect,
  // and a feed that fails (e.g. the streams are not created yet) is started again.
  const feed = (async () => {
    while (!lifetime.signal.aborted) {
      try {
        for await (const m of natsImages(options.nc, { signal: lifetime.signal })) relay(m);
      } catch (err) {
        if (lifetime.signal.aborted) break;
        log.warn('NATS feed failed; starting it again in 1 s', { reason: (err as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  })();

  async function* streamImages(request: StreamImagesRequest, context: CallContext): AsyncGenerator<ImageResponse> {
    // The node's checks, in the node's order (server/service/daq-node.ts), so clients see the same codes.
    if (!request.streamMovieData && !request.streamPulseHeightData) {
      throw new ServerError(Status.INVALID_ARGUMENT, 'stream_movie_data and stream_pulse_height_data are both false: request at least one');
    }
    const numbers = streamRequestNumbersProblem(request);
    if (numbers) throw new ServerError(Status.INVALID_ARGUMENT, numbers);
    if (closing) throw new ServerError(Status.UNAVAILABLE, 'the gateway is shutting down');
    if (streams.size >= maxStreams) throw new ServerError(Status.RESOURCE_EXHAUSTED, `this gateway already serves its maximum of ${maxStreams} streams`);
    const intervalSeconds = Math.max(request.updateIntervalSeconds, minInterval);
    const stream = new ClientImageStream(
      { movie: request.streamMovieData, pulseHeight: request.streamPulseHeightData, moduleIds: new Set(request.moduleIds) },
      intervalSeconds * 1000,
      clock,
    );
    streams.add(stream);
    const onAbort = () => stream.close({ reason: 'aborted' });
    context.signal.addEventListener('abort', onAbort);
    const unsubscribe = hub.subscribe((image) => stream.offer(image));
    try {
      for (;;) {
        const next = await stream.next();
        if ('reason' in next) {
          if (next.reason === 'ended') throw next.error;
          return;
        }
        yield { nameField: imageNode.get(next.image) ?? new Uint8Array(0), sentAtMs: next.sentAt, panoImage: next.image.encoded() };
      }
    } finally {
      unsubscribe();
      context.signal.removeEventListener('abort', onAbort);
      streams.delete(stream);
    }
  }

  const health = HealthState();
  const reflection = reflectionImplementation(await loadDaqDataDescriptorSet());
  const server = createServer({ 'grpc.max_send_message_length': 16 * 1024 * 1024, 'grpc.enable_channelz': 0 });
  // ROI photometry is computed where the frames are (every frame, at the node): a gateway relays images only.
  const refuseStream = (method: string) =>
    async function* (): AsyncGenerator<never> {
      await refuse(method)();
    };
  server.add(DaqDataWireDefinition, {
    streamImages,
    ping: async () => ({}),
    initHpIo: refuse('InitHpIo'),
    uploadImages: refuse('UploadImages'),
    streamRoiStats: refuseStream('StreamRoiStats'),
    getRoiStatistics: refuse('GetRoiStatistics'),
  });
  server.add(HealthDefinition, HealthServiceImpl(health));
  server.add(ServerReflectionService, reflection);
  server.add(ServerReflectionV1AlphaService, reflection);
  const host = options.host ?? '127.0.0.1';
  const hostPort = (p: number) => (host.includes(':') && !host.startsWith('[') ? `[${host}]:${p}` : `${host}:${p}`);
  let port: number;
  try {
    port = await server.listen(hostPort(options.port));
  } catch (err) {
    lifetime.abort();
    await feed;
    throw new Error(`gateway cannot listen on ${hostPort(options.port)}: ${(err as Error).message}`);
  }
  health.setStatus('healthy');
  health.setStatus('healthy', DaqDataDefinition.fullName);
  let closed: Promise<void> | undefined;
  return {
    address: hostPort(port),
    port,
    hub,
    get activeStreamCount() {
      return streams.size;
    },
    nodesSeen: () => [...nodesSeen],
    close: () =>
      (closed ??= (async () => {
        closing = true;
        health.setStatus('unhealthy');
        for (const s of streams) s.close({ reason: 'ended', error: new ServerError(Status.UNAVAILABLE, 'the gateway is shutting down') });
        lifetime.abort();
        await Promise.race([server.shutdown(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        server.forceShutdown();
        await feed;
      })()),
  };
}
