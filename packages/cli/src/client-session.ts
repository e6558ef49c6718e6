// Everything a client-side command does before and after its own work: build the SDK client
// from the target, find which nodes answer (naming each one that does not), and close the
// client whatever happens so no channel keeps the process alive.
import { DaqClient } from '@daqdata/client';
import { CliError, EXIT } from './exit-codes.js';
import { stderrLogger, type Logger } from './log.js';
import { resolveTarget, type ClientTarget, type Positional, type TargetFlags } from './options/target-options.js';

export interface PingResult {
  host: string;
  ok: boolean;
  latencyMs: number;
  /** Why the host did not answer. */
  reason?: string;
}

/** The message users and scripts look for: `host 10.0.0.5:50051 unreachable (reason)`. */
export function unreachableMessage(r: Pick<PingResult, 'host' | 'reason'>): string {
  return `host ${r.host} unreachable (${r.reason ?? 'no answer'})`;
}

/** The configured node's canonical name ('host:port') for what the user typed. */
export function hostName(client: DaqClient, text: string): string {
  return client.nodes.find((n) => n.name === text || n.configuredAddress === text)?.name ?? text;
}

export async function pingHost(client: DaqClient, host: string, timeoutMs: number): Promise<PingResult> {
  const started = performance.now();
  const ok = await client.ping(host, { timeoutMs });
  const latencyMs = performance.now() - started;
  const name = hostName(client, host);
  if (ok) return { host: name, ok, latencyMs };
  // The SDK's ping says only yes or no: a quick "no" is a refused or failed connection.
  const reason = latencyMs >= timeoutMs * 0.95 ? `no answer to Ping within ${timeoutMs} ms` : `Ping failed after ${latencyMs.toFixed(0)} ms: connection refused or failed`;
  return { host: name, ok, latencyMs, reason };
}

export function pingHosts(client: DaqClient, hosts: readonly string[], timeoutMs: number): Promise<PingResult[]> {
  return Promise.all(hosts.map((h) => pingHost(client, h, timeoutMs)));
}

/**
 * The hosts to work with. Named hosts (--host) must all answer; otherwise every configured
 * host that answers, with a warning for each one that does not, and an error when none does.
 */
export async function reachableHosts(client: DaqClient, target: ClientTarget, timeoutMs: number, log: Logger): Promise<string[]> {
  const results = await pingHosts(client, target.selected ?? client.hosts, timeoutMs);
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0 && (target.selected || failed.length === results.length)) {
    throw new CliError(failed.map(unreachableMessage).join('\n'), EXIT.unreachable);
  }
  for (const f of failed) log.warn(unreachableMessage(f));
  return results.filter((r) => r.ok).map((r) => r.host);
}

export interface ClientContext {
  client: DaqClient;
  target: ClientTarget;
  flags: TargetFlags;
  log: Logger;
}

/** Runs fn with a client for the command's target; always closes it. */
export async function withClient<T>(positional: Positional, flags: TargetFlags, fn: (ctx: ClientContext) => Promise<T>): Promise<T> {
  const target = resolveTarget(positional, flags);
  const log = stderrLogger(flags.logLevel);
  const client = new DaqClient(target.source, {
    pingTimeoutMs: flags.timeout,
    ...(flags.authToken ? { authToken: flags.authToken } : {}),
  });
  log.debug(`nodes: ${client.hosts.join(', ')}`);
  try {
    return await fn({ client, target, flags, log });
  } finally {
    await client.close();
  }
}
