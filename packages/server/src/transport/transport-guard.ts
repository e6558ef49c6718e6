// Limits that grpc-js does not offer, enforced on its HTTP/2 servers and calls:
// - preface timeout: a connection that has not sent the HTTP/2 preface (the client's first
//   SETTINGS frame) within prefaceTimeoutMs is destroyed. 500 connections that never spoke
//   stayed open for ever (530 fds). grpc-js's idle and keepalive timers cover connections
//   that did speak. With TLS the timer starts once the TLS handshake is done (Node's own TLS
//   handshake timeout, 120 s, covers the handshake itself).
// - stall limit: a response message the transport has not taken for stallTimeoutMs (the
//   client stopped reading: HTTP/2 flow control holds the write) ends its stream with
//   RST_STREAM(ENHANCE_YOUR_CALM), which gRPC clients report as RESOURCE_EXHAUSTED. Four
//   such streams held every slot of `--max-streams 4` for as long as their connections lived.
//   The reset makes grpc-js cancel the call, so the handler's own clean-up frees the slot.
// - stream-start rate per client host (StreamStartLimit), refused before the call reaches any
//   handler: the cheapest refusal grpc-js allows; a connection that goes on regardless is
//   closed (GOAWAY ENHANCE_YOUR_CALM).
// Stalls are measured per message with the write callback grpc-js gives each sendMessage; the
// HTTP/2 stream to reset is the one grpc-js is dispatching when it builds the call's
// interceptors (synchronously, inside the http2 'stream' event, between our two listeners).
import { constants as http2Constants, type Http2Server, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import {
  ServerInterceptingCall,
  status as GrpcStatus,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import type { RepeatedLines } from '../log/logger.js';
import { peerHost, type StreamStartLimit } from './stream-start-limit.js';

type InterceptingServerListener = Parameters<ServerInterceptingCallInterface['start']>[0];

/** Refused stream starts after which a connection is closed as a flood. */
export const REFUSALS_BEFORE_GOAWAY = 100;

const endpointKey = (socket: { remoteAddress?: string; remotePort?: number }) => `${socket.remoteAddress} ${socket.remotePort}`;

/** How many times `name` occurs in Node's flat [name, value, name, value, ...] raw header list. */
export function countHeader(rawHeaders: readonly string[] | undefined, name: string): number {
  let n = 0;
  for (let i = 0; i < (rawHeaders?.length ?? 0); i += 2) if (rawHeaders![i]!.toLowerCase() === name) n++;
  return n;
}

/** A call ended with `code` before any handler runs: its metadata is never passed on. */
function refusedCall(call: ServerInterceptingCallInterface, code: GrpcStatus, details: string): ServerInterceptingCall {
  const refused: ServerInterceptingCall = new ServerInterceptingCall(call, {
    start: (next) => next({ onReceiveMetadata: () => refused.sendStatus({ code, details }) }),
  });
  return refused;
}

export interface TransportGuardOptions {
  prefaceTimeoutMs: number;
  stallTimeoutMs: number;
  /** Paths that need a bearer token: a call carrying several authorization headers is UNAUTHENTICATED. */
  authPaths: ReadonlySet<string>;
  /** Paths whose starts are rate-limited per client host. */
  limitedPaths: ReadonlySet<string>;
  streamStarts: StreamStartLimit;
  repeated: RepeatedLines;
}

export class TransportGuard {
  /** The HTTP/2 stream grpc-js is turning into a call right now (see the file comment). */
  private dispatching: ServerHttp2Stream | undefined;
  /**
   * How many `authorization` headers that stream carries. Node keeps only the first of a
   * repeated single-value header, so a second token would otherwise go unseen.
   */
  private dispatchingAuthorizations = 0;
  private readonly sessions = new Set<Http2Session>();
  /** TCP endpoints ("address port") whose client has sent the HTTP/2 preface. */
  private readonly spoke = new Set<string>();
  prefaceTimeouts = 0;
  stalls = 0;
  refusedStarts = 0;
  floodsClosed = 0;
  private readonly refusalsBySession = new WeakMap<Http2Session, number>();

  constructor(private readonly options: TransportGuardOptions) {}

  /** Watches the connections, sessions and streams of one of our listening HTTP/2 servers. */
  attach(netServer: NetServer): void {
    const server = netServer as Http2Server;
    server.prependListener('stream', (stream: ServerHttp2Stream, _headers: unknown, _flags: number, rawHeaders: string[]) => {
      this.dispatching = stream;
      this.dispatchingAuthorizations = countHeader(rawHeaders, 'authorization');
    });
    server.on('stream', () => {
      this.dispatching = undefined;
      this.dispatchingAuthorizations = 0;
    });
    server.on('connection', (socket: Socket) => this.watchPreface(socket));
    server.on('session', (session) => {
      this.sessions.add(session);
      const key = endpointKey(session.socket);
      session.once('remoteSettings', () => this.spoke.add(key));
      session.once('close', () => this.sessions.delete(session));
    });
  }

  /**
   * The timer is on the TCP socket (with TLS, the session only exists after the handshake,
   * and a destroyed session leaves its socket half-open waiting for a peer that never speaks);
   * the session that received the client's SETTINGS marks its endpoint as having spoken.
   */
  private watchPreface(socket: Socket): void {
    if (socket.remotePort === undefined) return; // Unix socket: local peers only (file permissions decide who)
    const key = endpointKey(socket);
    const timer = setTimeout(() => {
      if (this.spoke.has(key)) return;
      this.prefaceTimeouts++;
      const host = socket.remoteAddress ?? 'unknown';
      this.options.repeated.log('warn', 'connection closed: no HTTP/2 preface', host, { peer: key, prefaceTimeoutSeconds: this.options.prefaceTimeoutMs / 1000 });
      socket.destroy();
    }, this.options.prefaceTimeoutMs);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      this.spoke.delete(key);
    });
  }

  /** grpc-js server interceptors: the stream-start limit, then the stall watch. */
  interceptors(): ServerInterceptor[] {
    type Interceptor = (method: { path: string; responseStream: boolean }, call: ServerInterceptingCallInterface) => ServerInterceptingCallInterface;
    const chain: Interceptor[] = [
      (method, call) => this.refuseRepeatedAuthorization(method.path, call),
      (method, call) => this.limitStarts(method.path, call),
      (method, call) => (method.responseStream ? this.watchStalls(method.path, call) : call),
    ];
    // grpc-js types an interceptor's result as its ServerInterceptingCall class, but chains
    // interceptors through the ServerInterceptingCallInterface only; a delegating object
    // saves a second wrapper per call.
    return chain as unknown as ServerInterceptor[];
  }

  private refuseRepeatedAuthorization(path: string, call: ServerInterceptingCallInterface): ServerInterceptingCallInterface {
    const n = this.dispatchingAuthorizations;
    if (n <= 1 || !this.options.authPaths.has(path)) return call;
    const host = peerHost(call.getPeer());
    this.options.repeated.log('warn', 'call refused: unauthenticated', host, { peer: call.getPeer(), method: path, reason: `${n} authorization headers` });
    return refusedCall(call, GrpcStatus.UNAUTHENTICATED, `${path} has ${n} authorization headers; send exactly one`);
  }

  private limitStarts(path: string, call: ServerInterceptingCallInterface): ServerInterceptingCallInterface {
    if (!this.options.limitedPaths.has(path)) return call;
    const host = peerHost(call.getPeer());
    if (this.options.streamStarts.take(host)) return call;
    this.refusedStarts++;
    this.options.repeated.log('warn', 'call refused: stream start rate exceeded', host, { peer: call.getPeer(), method: path, perSecond: this.options.streamStarts.perSecond });
    this.closeIfFlooding(this.dispatching?.session, host);
    return refusedCall(call, GrpcStatus.RESOURCE_EXHAUSTED, `${path}: more than ${this.options.streamStarts.perSecond} stream starts per second from ${host}; retry later`);
  }

  /**
   * A connection that keeps starting streams after being refused REFUSALS_BEFORE_GOAWAY times
   * is flooding (a client honouring RESOURCE_EXHAUSTED backs off): it is told to go away with
   * ENHANCE_YOUR_CALM and closed, which ends the flood's per-stream cost at once; a reconnect
   * starts with the same per-host bucket, still empty.
   */
  private closeIfFlooding(session: Http2Session | undefined, host: string): void {
    if (!session || session.destroyed) return;
    const n = (this.refusalsBySession.get(session) ?? 0) + 1;
    this.refusalsBySession.set(session, n);
    if (n < REFUSALS_BEFORE_GOAWAY) return;
    this.floodsClosed++;
    this.options.repeated.log('warn', 'connection closed: stream start flood', host, { refusedStarts: n });
    session.goaway(http2Constants.NGHTTP2_ENHANCE_YOUR_CALM);
    session.destroy();
  }

  private watchStalls(path: string, call: ServerInterceptingCallInterface): ServerInterceptingCallInterface {
    const http2Stream = this.dispatching;
    const stallTimeoutMs = this.options.stallTimeoutMs;
    let listener: InterceptingServerListener | undefined;
    let writing = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => clearTimeout(timer);
    const onStall = () => {
      if (!writing || http2Stream?.closed) return;
      this.stalls++;
      const host = peerHost(call.getPeer());
      this.options.repeated.log('warn', 'stream ended: client took no message', host, { peer: call.getPeer(), method: path, stallTimeoutSeconds: stallTimeoutMs / 1000 });
      if (http2Stream) {
        http2Stream.close(http2Constants.NGHTTP2_ENHANCE_YOUR_CALM);
      } else {
        // Not reached with grpc-js 1.14 (the stream is always known); still free the call.
        call.sendStatus({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: `${path}: the client took no message for ${stallTimeoutMs / 1000} s` });
        listener?.onCancel();
      }
    };
    return {
      start: (l) => {
        listener = l;
        call.start({
          onReceiveMetadata: (m) => l.onReceiveMetadata(m),
          onReceiveMessage: (m) => l.onReceiveMessage(m),
          onReceiveHalfClose: () => l.onReceiveHalfClose(),
          onCancel: () => {
            stop();
            l.onCancel();
          },
        });
      },
      sendMetadata: (m) => call.sendMetadata(m),
      sendMessage: (message, callback) => {
        writing = true;
        if (timer) timer.refresh();
        else {
          timer = setTimeout(onStall, stallTimeoutMs);
          timer.unref();
        }
        call.sendMessage(message, () => {
          writing = false;
          callback();
        });
      },
      sendStatus: (s) => {
        stop();
        call.sendStatus(s);
      },
      startRead: () => call.startRead(),
      getPeer: () => call.getPeer(),
      getDeadline: () => call.getDeadline(),
      getHost: () => call.getHost(),
      getAuthContext: () => call.getAuthContext(),
      getConnectionInfo: () => call.getConnectionInfo(),
      getMetricsRecorder: () => call.getMetricsRecorder(),
    };
  }

  /** Open HTTP/2 connections on our listeners. */
  get connectionCount(): number {
    return this.sessions.size;
  }
}
