// A whole gateway: connect to NATS, make sure the JetStream streams exist with their limits,
// publish every configured DAQ node's images (when nodes are given), and serve DaqData from
// NATS (when a port is given). A gateway without nodes only serves: several gateways on one
// NATS (another site, a leaf node) serve the same data while one of them publishes.
import { DaqClient, type DaqClientSource } from '@daqdata/client';
import type { Logger } from '@daqdata/server';
import type { NatsConnection } from '@nats-io/transport-node';
import { startGatewayServer, type RunningGatewayServer } from './gateway-server.js';
import { DEFAULT_EVENT_RETENTION, ensureStreams, type EventRetention } from './jetstream-streams.js';
import { resumePoints } from './events-resume.js';
import { connectNats, jetStreamOf } from './nats-connection.js';
import { startNodePublisher, type NodePublisher } from './node-publisher.js';

export interface GatewayOptions {
  natsUrl: string;
  /** The DAQ nodes to relay (daq_config or addresses); omitted: serve only. */
  nodes?: DaqClientSource;
  /** Interval asked of each node (s, default 0.001: the node's own interval, which it enforces). */
  nodeUpdateIntervalSeconds?: number;
  /** Serve DaqData on this port (0: a free one); omitted: do not serve. */
  port?: number;
  host?: string;
  minUpdateIntervalSeconds?: number;
  maxStreams?: number;
  eventRetention?: EventRetention;
  /** Bytes of images held while NATS is away, past which images are dropped (default 64 MiB). */
  awayBufferBytes?: number;
  log: Logger;
}

export interface RunningGateway {
  nc: NatsConnection;
  /** The SDK client over the DAQ nodes (its status events say which node is connected), or null. */
  client: DaqClient | null;
  publisher: NodePublisher | null;
  server: RunningGatewayServer | null;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { log } = options;
  const interval = options.nodeUpdateIntervalSeconds;
  // A node refuses more than a day (INVALID_ARGUMENT), which would end its stream for good.
  if (interval !== undefined && !(interval > 0 && interval <= 86_400)) throw new RangeError(`node update interval ${interval} s is outside (0, 86400]`);
  const nc = await connectNats(options.natsUrl, { name: 'daqdata-gateway' });
  const lifetime = new AbortController();
  let client: DaqClient | null = null;
  let publisher: NodePublisher | null = null;
  let server: RunningGatewayServer | null = null;
  try {
    const jsm = await jetStreamOf(nc, options.natsUrl);
    await ensureStreams(jsm, options.eventRetention ?? DEFAULT_EVENT_RETENTION);
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnect') log.warn(`NATS ${s.type}`, { server: String(s.server ?? options.natsUrl) });
      }
    })();
    if (options.nodes) {
      client = new DaqClient(options.nodes);
      // Each node's events resume after the last one published before (a restarted gateway loses none the node still holds).
      const resumeFrom = await resumePoints(jsm, client.hosts);
      for (const [node, at] of Object.entries(resumeFrom)) log.info('events resume after the last published', { node, incarnation: at.incarnation, afterSequence: at.afterSequence });
      client.onStatus((e) => log.info(`node ${e.type}`, { node: e.host, ...('reason' in e ? { reason: e.reason } : {}) }));
      publisher = startNodePublisher({
        client,
        nc,
        updateIntervalSeconds: options.nodeUpdateIntervalSeconds ?? 0.001,
        log,
        signal: lifetime.signal,
        resumeFrom,
        ...(options.awayBufferBytes === undefined ? {} : { awayBufferBytes: options.awayBufferBytes }),
      });
      publisher.done.catch((err: Error) => log.error('node streams ended', { reason: err.message }));
    }
    if (options.port !== undefined) {
      server = await startGatewayServer({
        nc,
        port: options.port,
        log,
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.minUpdateIntervalSeconds === undefined ? {} : { minUpdateIntervalSeconds: options.minUpdateIntervalSeconds }),
        ...(options.maxStreams === undefined ? {} : { maxStreams: options.maxStreams }),
        ...(client ? { nodes: client.hosts } : {}),
      });
    }
  } catch (err) {
    lifetime.abort();
    await client?.close();
    await nc.close();
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    nc,
    client,
    publisher,
    server,
    close: () =>
      (closed ??= (async () => {
        lifetime.abort();
        await server?.close();
        await client?.close();
        await publisher?.done.catch(() => undefined);
        await nc.drain().catch(() => nc.close());
      })()),
  };
}
