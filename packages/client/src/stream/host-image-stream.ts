// One host's images, across disconnects: ping, open StreamImages, yield what arrives; on a
// failure or an ended stream wait (exponential backoff with jitter) and do it again, telling
// the event hub every step. Ends when the signal aborts, or with the host gone for good.
// hostStream is the mechanism for any server-streaming call (StreamRoiStats uses it too).
import { setTimeout as delay } from 'node:timers/promises';
import type { DaqDataClient, StreamImagesRequest, StreamImagesResponse } from '@daqdata/core';
import type { NodeConnection } from '../grpc/node-connection.js';
import type { EventHub } from '../status/event-hub.js';
import { backoffDelayMs, type ReconnectOptions } from './backoff.js';
import { pingFailureReason } from '../grpc/probe-node.js';
import { describeError, isRetryable } from './grpc-errors.js';

export interface HostStreamOptions<Req = StreamImagesRequest> {
  /** The request, or what to ask at each (re)connect (an every-frame stream resumes where it was). */
  request: Req | (() => Req);
  reconnect: ReconnectOptions;
  /** How long the liveness ping before each (re)connect may take. */
  connectTimeoutMs: number;
  events: EventHub;
  signal: AbortSignal;
}

/** Why a host stream ended for good without the caller asking; the merged stream reports it. */
export class HostGoneError extends Error {
  override readonly name = 'HostGoneError';
  constructor(
    readonly host: string,
    readonly reason: string,
    /** The failure was a rejected request, not a lost node: retrying would not help. */
    readonly permanent: boolean,
  ) {
    super(`${host}: ${reason}`);
  }
}

/** One host's StreamImages across disconnects; `forParsing`: the images only go to parsePanoImage (decoded faster, image_array left empty). */
export function hostImageStream(conn: NodeConnection, o: HostStreamOptions & { forParsing?: boolean }): AsyncGenerator<StreamImagesResponse> {
  const client = o.forParsing ? conn.daqForParsing : conn.daq;
  return hostStream(conn, o, (_daq, request, signal) => client.streamImages(request, { signal }));
}

/** A server-streaming call of one host across disconnects: `call` opens it on each (re)connect. */
export async function* hostStream<Req, Res>(
  conn: NodeConnection,
  o: HostStreamOptions<Req>,
  call: (daq: DaqDataClient, request: Req, signal: AbortSignal) => AsyncIterable<Res>,
): AsyncGenerator<Res> {
  const host = conn.node.name;
  const { events, signal } = o;
  let attempt = 0;
  while (!signal.aborted) {
    let connected = false;
    let reason: string;
    let permanent = false;
    const connectDeadline = AbortSignal.timeout(o.connectTimeoutMs);
    try {
      await conn.daq.ping({}, { signal: AbortSignal.any([signal, connectDeadline]) });
      if (signal.aborted) return;
      connected = true;
      events.emit({ type: 'connected', host, at: new Date() });
      const openedAt = Date.now();
      let delivered = false;
      try {
        const request = typeof o.request === 'function' ? (o.request as () => Req)() : o.request;
        for await (const response of call(conn.daq, request, signal)) {
          delivered = true;
          yield response;
        }
      } finally {
        // A stream that worked (delivered, or stayed open longer than the longest backoff) starts
        // the backoff afresh; one the node keeps refusing right after the ping keeps growing it.
        if (delivered || Date.now() - openedAt > o.reconnect.maxDelayMs) attempt = 0;
      }
      reason = 'the node ended the stream';
    } catch (err) {
      if (signal.aborted) return; // the caller stopped: not a failure
      // Before the stream opened, the failure is the Ping's: the same reason probe() gives.
      reason = connected ? describeError(err) : pingFailureReason(err, connectDeadline, o.connectTimeoutMs);
      permanent = !isRetryable(err);
    }
    if (connected) events.emit({ type: 'disconnected', host, at: new Date(), reason });
    if (permanent || !o.reconnect.enabled || attempt >= o.reconnect.maxAttempts) {
      const why = permanent ? reason : !o.reconnect.enabled ? `${reason} (reconnect is off)` : `${reason} (gave up after ${attempt} attempts)`;
      events.emit({ type: 'gone', host, at: new Date(), reason: why });
      throw new HostGoneError(host, why, permanent);
    }
    attempt++;
    const delayMs = backoffDelayMs(attempt, o.reconnect);
    events.emit({ type: 'reconnecting', host, at: new Date(), attempt, delayMs, reason });
    try {
      await delay(delayMs, undefined, { signal });
    } catch {
      return; // aborted while waiting
    }
  }
}
