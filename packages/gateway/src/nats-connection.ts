// One NATS connection for a gateway or a NATS viewer, with the errors a person can act on:
// nothing listening at the URL, or a server without JetStream. Once connected, the client
// reconnects by itself for as long as it lives (maxReconnectAttempts -1): a NATS restart
// mid-run is a pause, not an exit.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

export class NatsUnavailableError extends Error {
  override readonly name = 'NatsUnavailableError';
}

export interface NatsOptions {
  /** Name shown in the server's connection list. */
  name?: string;
  /** How long the first connection attempt may take (ms, default 5000). */
  timeoutMs?: number;
}

export async function connectNats(url: string, options: NatsOptions = {}): Promise<NatsConnection> {
  try {
    return await connect({
      servers: url,
      name: options.name ?? 'daqdata',
      timeout: options.timeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
  } catch (err) {
    throw new NatsUnavailableError(`cannot connect to NATS at ${url}: ${(err as Error).message} (is nats-server running there?)`);
  }
}

/** The JetStream manager, or an error saying the server at `url` has no JetStream. */
export async function jetStreamOf(nc: NatsConnection, url: string): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(nc);
  } catch (err) {
    const message = (err as Error).message;
    if (/jetstream.*(not enabled|not available)|503|no responders/i.test(message)) {
      throw new NatsUnavailableError(`the NATS server at ${url} has no JetStream (start it with -js): ${message}`);
    }
    throw new NatsUnavailableError(`JetStream at ${url}: ${message}`);
  }
}
