// startServer: one DaqNode served over gRPC on a TCP address and, optionally, a Unix socket,
// with the standard health service and server reflection. close(graceMs) is the shutdown
// sequence: health NOT_SERVING, streams ended with UNAVAILABLE, in-flight calls given the
// grace period, watchers closed, the socket file removed.
import { readFile, rm } from 'node:fs/promises';
import { ServerCredentials } from '@grpc/grpc-js';
import { DaqDataDefinition } from '@daqdata/core';
import { createServer, type Server } from 'nice-grpc';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import { unixClockMs, type Clock } from './broadcast/clock.js';
import type { ServerConfig } from './config/server-config.js';
import { startRecorderAcquisition, type RecorderAcquisition } from './ingest/recorder-acquisition.js';
import { clearStaleSocket } from './ingest/unix-socket-file.js';
import { createLogger, type Logger } from './log/logger.js';
import { DaqNode } from './service/daq-node.js';
import { loadDaqDataDescriptorSet } from './service/descriptor-set.js';
import type { DaqSimulator } from './service/simulator.js';
import { tokenAuthMiddleware } from './service/token-auth.js';
import { DaqDataWireDefinition } from './service/wire-definition.js';

export interface StartServerOptions {
  logger?: Logger;
  simulator?: DaqSimulator;
  clock?: Clock;
}

export interface RunningServer {
  /** 'host:port' of the TCP listener. */
  address: string;
  port: number;
  unixSocket: string | null;
  node: DaqNode;
  /** Recorder sockets and status pipe, as configured. */
  acquisition: RecorderAcquisition;
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
 */
async function listenOn(server: Server, address: string, credentials: Parameters<Server['listen']>[1]): Promise<number> {
  try {
    return await server.listen(address, credentials);
  } catch (err) {
    const message = (err as Error).message;
    const code = /\b(EADDRINUSE|EACCES)\b/.exec(message)?.[1];
    if (code === 'EADDRINUSE') throw new ListenError(address, code, 'the address is in use (another node or program holds it); choose another port or socket');
    if (code === 'EACCES') throw new ListenError(address, code, 'permission denied (ports below 1024 need privileges)');
    throw new ListenError(address, undefined, message);
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? createLogger({ format: config.logFormat });
  const node = new DaqNode(config, log, options.clock ?? unixClockMs, options.simulator);
  const health = HealthState();
  const descriptorSet = await loadDaqDataDescriptorSet();
  const credentials = await credentialsFor(config);

  const build = (): Server => {
    let server = createServer({ 'grpc.max_send_message_length': 16 * 1024 * 1024 });
    if (config.authToken) server = server.use(tokenAuthMiddleware(config.authToken, PROTECTED));
    server.add(DaqDataWireDefinition, {
      streamImages: (req, ctx) => node.streamImages(req, ctx),
      initHpIo: (req, ctx) => node.initHpIo(req, ctx),
      ping: async () => ({}),
      uploadImages: (req, ctx) => node.uploadImages(req, ctx),
    });
    server.add(HealthDefinition, HealthServiceImpl(health));
    server.add(ServerReflectionService, ServerReflection(descriptorSet, [DaqDataDefinition.fullName]));
    return server;
  };

  const servers: Server[] = [];
  let acquisition: RecorderAcquisition | undefined;
  try {
    if (config.initialDataDir) await node.followAtStart(config.initialDataDir);
    acquisition = await startRecorderAcquisition(config, log, options.clock ?? unixClockMs, (image) => node.hub.publish(image));
    const tcp = build();
    servers.push(tcp);
    const port = await listenOn(tcp, hostPort(config.host, config.port), credentials);
    if (config.unixSocket) {
      await clearStaleSocket(config.unixSocket, 'unixSocket');
      const unix = build();
      servers.push(unix);
      await listenOn(unix, `unix:${config.unixSocket}`, credentials);
    }
    health.setStatus('healthy');
    health.setStatus('healthy', DaqDataDefinition.fullName);
    const address = hostPort(config.host, port);
    log.info('listening', { address, unixSocket: config.unixSocket ?? undefined, node: config.nodeName, tls: config.tlsCertFile !== null, auth: config.authToken !== null });

    let closing: Promise<void> | undefined;
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
        log.info('stopped');
      })());
    return { address, port, unixSocket: config.unixSocket, node, acquisition, close };
  } catch (err) {
    for (const s of servers) s.forceShutdown();
    await acquisition?.close();
    await node.close();
    throw err;
  }
}

/** Graceful shutdown, forced once graceMs has passed. */
async function shutdownWithin(server: Server, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
  });
  await Promise.race([server.shutdown(), forced]);
  clearTimeout(timer);
}
