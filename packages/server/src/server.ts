// startServer: one DaqNode served over gRPC on a TCP address and, optionally, a Unix socket,
// with the standard health service and server reflection (v1 and v1alpha). close(graceMs) is the shutdown
// sequence: health NOT_SERVING, streams ended with UNAVAILABLE, in-flight calls given the
// grace period, watchers closed, the socket file removed.
import { readFile, rm } from 'node:fs/promises';
import { ServerCredentials } from '@grpc/grpc-js';
import { DaqDataDefinition } from '@daqdata/core';
import { createServer, type Server } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import { unixClockMs, type Clock } from './broadcast/clock.js';
import { runAt, type Cancel } from './broadcast/run-at.js';
import type { ServerConfig } from './config/server-config.js';
import { startRecorderAcquisition, type RecorderAcquisition } from './ingest/recorder-acquisition.js';
import { clearStaleSocket } from './ingest/unix-socket-file.js';
import { aggregateRepeatedLines, createLogger, type Logger } from './log/logger.js';
import { startMetricsHttp, type MetricsHttp } from './metrics/metrics-http.js';
import { nodeMetricsSources } from './metrics/node-metrics-sources.js';
import { readiness } from './metrics/readiness.js';
import { DaqNode } from './service/daq-node.js';
import { loadDaqDataDescriptorSet } from './service/descriptor-set.js';
import { reflectionImplementation, ServerReflectionV1AlphaService } from './service/server-reflection.js';
import type { DaqSimulator } from './service/simulator.js';
import { tokenAuthMiddleware } from './service/token-auth.js';
import { DaqDataWireDefinition } from './service/wire-definition.js';
import { listenCapturingHttp2Servers } from './transport/http2-server-capture.js';
import { StreamStartLimit } from './transport/stream-start-limit.js';
import { TransportGuard } from './transport/transport-guard.js';
import type { WatchFunction } from './watch/path-watches.js';

export interface StartServerOptions {
  logger?: Logger;
  simulator?: DaqSimulator;
  clock?: Clock;
  /** The kernel watch for data directories (default fs.watch): for tests of the polling fallback. */
  watch?: WatchFunction;
}

export interface RunningServer {
  /** 'host:port' of the TCP listener. */
  address: string;
  port: number;
  unixSocket: string | null;
  /** http://host:port serving /metrics, /healthz, /readyz (config metricsPort), or null. */
  metricsUrl: string | null;
  node: DaqNode;
  /** Recorder sockets and status pipe, as configured. */
  acquisition: RecorderAcquisition;
  /** Connection-level limits and their counters (preface timeouts, stalls, refused starts). */
  guard: TransportGuard;
  /** Shuts down; calls still running after graceMs are cut. Idempotent. */
  close(graceMs?: number): Promise<void>;
}

const PROTECTED = new Set([DaqDataWireDefinition.initHpIo.path, DaqDataWireDefinition.uploadImages.path]);

async function credentialsFor(config: ServerConfig): Promise<ServerCredentials> {
  if (!config.tlsCertFile || !config.tlsKeyFile) return ServerCredentials.createInsecure();
  const read = async (key: 'tlsCertFile' | 'tlsKeyFile') => {
    try {
      return await readFile(config[key]!);
    } catch (err) {
      throw new Error(`${key} ${config[key]}: ${(err as Error).message}`);
    }
  };
  return ServerCredentials.createSsl(null, [{ cert_chain: await read('tlsCertFile'), private_key: await read('tlsKeyFile') }], false);
}

/** The node could not listen on an address; `code` is the system error (EADDRINUSE, EACCES) when known. */
export class ListenError extends Error {
  constructor(
    readonly address: string,
    readonly code: string | undefined,
    reason: string,
  ) {
    super(`cannot listen on ${address}: ${reason}`);
    this.name = 'ListenError';
  }
}

/**
 * Listens, or fails with an error that names the address and what to do: grpc-js reports a
 * taken port only inside its message ("No address added ... [listen EADDRINUSE ...]").
 * The HTTP/2 servers behind the listener are handed to the transport guard.
 */
async function listenOn(server: Server, address: string, credentials: Parameters<Server['listen']>[1], guard: TransportGuard): Promise<number> {
  try {
    const unixPath = address.startsWith('unix:') ? address.slice('unix:'.length) : null;
    const { port, servers } = await listenCapturingHttp2Servers(
      () => server.listen(address, credentials),
      (p) => (unixPath === null ? { port: p } : { path: unixPath }),
    );
    // Not expected on Node >= 20.19; said loudly rather than running without the limits.
    if (servers.length === 0) throw new ListenError(address, undefined, 'cannot find the HTTP/2 server behind the listener, so the preface and stall limits could not be installed');
    for (const s of servers) guard.attach(s);
    return port;
  } catch (err) {
    const message = (err as Error).message;
    const code = /\b(EADDRINUSE|EACCES)\b/.exec(message)?.[1];
    if (code === 'EADDRINUSE') throw new ListenError(address, code, 'the address is in use (another node or program holds it); choose another port or socket');
    if (code === 'EACCES') throw new ListenError(address, code, 'permission denied (ports below 1024 need privileges)');
    throw new ListenError(address, undefined, message);
  }
}

/**
 * grpc-js channel options for a public-facing node (README "Limits"). grpc-js 1.14's server
 * implements keepalive time/timeout, connection idle/age/grace and max concurrent streams; it
 * pings every connection whether or not it has calls (there is no server-side
 * keepalive_permit_without_calls or min_ping_interval to set). Channelz bookkeeping is off:
 * nothing reads it, and it was a per-stream cost under a stream-reset flood.
 */
function grpcServerOptions(config: ServerConfig, guard: TransportGuard): Record<string, unknown> {
  const ms = (seconds: number) => Math.round(seconds * 1000);
  return {
    'grpc.max_send_message_length': 16 * 1024 * 1024,
    'grpc.keepalive_time_ms': ms(config.keepaliveTimeSeconds),
    'grpc.keepalive_timeout_ms': ms(config.keepaliveTimeoutSeconds),
    'grpc.max_connection_idle_ms': ms(config.maxConnectionIdleSeconds),
    ...(config.maxConnectionAgeSeconds === null
      ? {}
      : { 'grpc.max_connection_age_ms': ms(config.maxConnectionAgeSeconds), 'grpc.max_connection_age_grace_ms': ms(config.maxConnectionAgeGraceSeconds) }),
    'grpc.max_concurrent_streams': config.maxStreamsPerConnection,
    'grpc.enable_channelz': 0,
    interceptors: guard.interceptors(),
  };
}

function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? createLogger({ format: config.logFormat });
  const clock = options.clock ?? unixClockMs;
  let acquisition: RecorderAcquisition | undefined;
  // The metrics come first: the node's file followers count into them. Their sources are read
  // at scrape time. prom-client is loaded only when asked for (it costs start-up time).
  const metrics =
    config.metricsPort === null ? null : new (await import('./metrics/node-metrics.js')).NodeMetrics(nodeMetricsSources(config.nodeName, clock, () => node, () => acquisition));
  const node = new DaqNode(config, log, clock, options.simulator, { watch: options.watch, ingest: metrics?.ingest });
  if (metrics) node.hub.subscribe(metrics.published.onImage);
  const health = HealthState();
  const reflection = reflectionImplementation(await loadDaqDataDescriptorSet());
  const credentials = await credentialsFor(config);
  const repeated = aggregateRepeatedLines(log);
  const guard = new TransportGuard({
    prefaceTimeoutMs: config.prefaceTimeoutSeconds * 1000,
    stallTimeoutMs: config.stallTimeoutSeconds * 1000,
    authPaths: config.authToken ? PROTECTED : new Set(),
    limitedPaths: new Set([DaqDataWireDefinition.streamImages.path, DaqDataWireDefinition.streamRoiStats.path]),
    streamStarts: new StreamStartLimit(config.streamStartsPerPeerPerSecond, options.clock ?? unixClockMs),
    repeated,
  });

  const build = (): Server => {
    let server = createServer(grpcServerOptions(config, guard));
    if (metrics) server = server.use(metrics.grpcCalls).use(metrics.initHpIoCalls);
    if (config.authToken) server = server.use(tokenAuthMiddleware(config.authToken, PROTECTED, repeated));
    server.add(DaqDataWireDefinition, {
      streamImages: (req, ctx) => node.streamImages(req, ctx),
      initHpIo: (req, ctx) => node.initHpIo(req, ctx),
      ping: async () => ({}),
      uploadImages: (req, ctx) => node.uploadImages(req, ctx),
      streamRoiStats: (req, ctx) => node.streamRoiStats(req, ctx),
      getRoiStatistics: async () => node.roiStatistics(),
    });
    server.add(HealthDefinition, HealthServiceImpl(health));
    server.add(ServerReflectionService, reflection);
    server.add(ServerReflectionV1AlphaService, reflection);
    return server;
  };

  const servers: Server[] = [];
  let http: MetricsHttp | null = null;
  try {
    if (config.allowedDataRoots === null) {
      log.warn('unconfined: InitHpIo may follow any existing directory on this machine (no allowedDataRoots, as the reference config has none); give allowedDataRoots or --allow-root to confine it');
    }
    if (config.initialDataDir) {
      await node.initAtStart({ dataDir: config.initialDataDir, updateIntervalSeconds: config.minUpdateIntervalSeconds, force: false, simulateDaq: false, moduleIds: [] }, 'initialDataDir');
    }
    if (config.initialHpIo) await node.initAtStart(config.initialHpIo, 'initialHpIo');
    acquisition = await startRecorderAcquisition(config, log, clock, (image) => node.hub.publish(image));
    const tcp = build();
    servers.push(tcp);
    const port = await listenOn(tcp, hostPort(config.host, config.port), credentials, guard);
    if (config.unixSocket) {
      await clearStaleSocket(config.unixSocket, 'unixSocket');
      const unix = build();
      servers.push(unix);
      await listenOn(unix, `unix:${config.unixSocket}`, credentials, guard);
    }
    health.setStatus('healthy');
    health.setStatus('healthy', DaqDataDefinition.fullName);
    const address = hostPort(config.host, port);
    let closing: Promise<void> | undefined;
    if (metrics) {
      const sockets = acquisition.recorderSockets?.paths ?? [];
      http = await startMetricsHttp({
        host: config.host,
        port: config.metricsPort!,
        registry: metrics.registry,
        log,
        readiness: () => readiness({ listening: true, closing: closing !== undefined, dataDir: node.dataDir, recorderSocketPaths: sockets }),
      }).catch((err: NodeJS.ErrnoException) => {
        throw new ListenError(hostPort(config.host, config.metricsPort!), err.code, `metricsPort: ${err.message}`);
      });
    }
    log.info('listening', { address, unixSocket: config.unixSocket ?? undefined, metrics: http?.url, node: config.nodeName, tls: config.tlsCertFile !== null, auth: config.authToken !== null });

    const close = (graceMs = config.shutdownGraceSeconds * 1000): Promise<void> =>
      (closing ??= (async () => {
        log.info('shutting down', { graceMs });
        health.setStatus('unhealthy');
        health.setStatus('unhealthy', DaqDataDefinition.fullName);
        const nodeClosed = node.close();
        await Promise.all(servers.map((s) => shutdownWithin(s, graceMs)));
        await nodeClosed;
        await acquisition!.close();
        if (config.unixSocket) await rm(config.unixSocket, { force: true });
        repeated.close();
        await http?.close();
        log.info('stopped');
      })());
    return { address, port, unixSocket: config.unixSocket, metricsUrl: http?.url ?? null, node, acquisition, guard, close };
  } catch (err) {
    for (const s of servers) s.forceShutdown();
    await http?.close();
    repeated.close();
    await acquisition?.close();
    await node.close();
    throw err;
  }
}

/** Graceful shutdown, forced once graceMs has passed (runAt: any graceMs a library caller gives is safe). */
async function shutdownWithin(server: Server, graceMs: number): Promise<void> {
  let cancel: Cancel | undefined;
  const forced = new Promise<void>((resolve) => {
    cancel = runAt(Date.now() + graceMs, Date.now, () => {
      server.forceShutdown();
      resolve();
    });
  });
  await Promise.race([server.shutdown(), forced]);
  cancel?.();
}
