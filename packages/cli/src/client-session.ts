// Everything a client-side command does before and after its own work: build the SDK client
// from the target, find which nodes answer (naming each one that does not), and close the
// client whatever happens so no channel keeps the process alive.
import { DaqClient, type ProbeResult } from '@daqdata/client';
import { CliError, EXIT } from './exit-codes.js';
import { stderrLogger, type Logger } from './log.js';
import { resolveTarget, type ClientTarget, type Positional, type TargetFlags } from './options/target-options.js';

/** The message users and scripts look for: `host 10.0.0.5:50051 unreachable (reason)`, the reason as the SDK's probe gives it. */
export function unreachableMessage(r: Pick<ProbeResult, 'host' | 'reason'>): string {
  return `host ${r.host} unreachable (${r.reason ?? 'no answer'})`;
}

/** One Ping per host, at once: each result names the host canonically, with its latency or why it did not answer. */
export function pingHosts(client: DaqClient, hosts: readonly string[], timeoutMs: number): Promise<ProbeResult[]> {
  return Promise.all(hosts.map((h) => client.probe(h, { timeoutMs })));
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
