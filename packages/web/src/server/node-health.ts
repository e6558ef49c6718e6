// Each node's health as the dashboard shows it, folded from two sources: the SDK's stream
// events (connected, disconnected, reconnecting, gone) and a Ping every few seconds (answering,
// latency), and its drop counters from its metrics when it serves them. A node is up when it answers and its stream is open, down when it does not answer
// or its stream failed, connecting in between. Pure state; the probing loop is the server's.
import type { ProbeResult, StreamEvent } from '@daqdata/client';
import type { NodeHealth, NodeState } from '../shared/control-messages.js';
import type { NodeDrops } from './node-drops.js';

interface Entry {
  stream: string;
  attempt: number | null;
  streamReason: string | null;
  answering: boolean | null;
  latencyMs: number | null;
  probeReason: string | null;
  drops: NodeDrops | null;
  metrics: string;
}

export class NodeHealthBoard {
  readonly #nodes = new Map<string, Entry>();

  /** metricsUrls: the nodes that serve metrics (host -> /metrics URL). */
  constructor(hosts: readonly string[], metricsUrls: ReadonlyMap<string, string> = new Map()) {
    for (const h of hosts) {
      const metrics = metricsUrls.get(h) ?? 'no metrics';
      this.#nodes.set(h, { stream: 'opening', attempt: null, streamReason: null, answering: null, latencyMs: null, probeReason: null, drops: null, metrics });
    }
  }

  /** A read of the node's metrics: its drop counters, or why they could not be read (the last counters are kept). */
  onDrops(host: string, url: string, r: NodeDrops | { problem: string }): void {
    const n = this.#nodes.get(host);
    if (!n) return;
    if ('problem' in r) n.metrics = r.problem;
    else {
      n.drops = r;
      n.metrics = url;
    }
  }

  onStreamEvent(e: StreamEvent): void {
    const n = this.#nodes.get(e.host);
    if (!n || e.type === 'invalid-image') return;
    n.stream = e.type;
    n.attempt = e.type === 'reconnecting' ? e.attempt : null;
    n.streamReason = e.type === 'connected' ? null : e.reason;
  }

  onProbe(r: ProbeResult): void {
    const n = this.#nodes.get(r.host);
    if (!n) return;
    n.answering = r.ok;
    n.latencyMs = r.ok ? r.latencyMs : null;
    n.probeReason = r.ok ? null : (r.reason ?? 'no answer');
  }

  list(): NodeHealth[] {
    return [...this.#nodes].map(([host, n]) => ({
      host,
      state: stateOf(n),
      latencyMs: n.latencyMs,
      stream: n.stream,
      attempt: n.attempt,
      reason: n.probeReason ?? n.streamReason,
      drops: n.drops,
      metrics: n.metrics,
    }));
  }
}

function stateOf(n: Entry): NodeState {
  if (n.answering === false || n.stream === 'gone') return 'down';
  if (n.stream === 'disconnected' || n.stream === 'reconnecting') return n.answering ? 'connecting' : 'down';
  return n.answering && n.stream === 'connected' ? 'up' : 'connecting';
}
