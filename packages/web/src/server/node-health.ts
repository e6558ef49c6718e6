// Each node's health as the dashboard shows it, folded from two sources: the SDK's stream
// events (connected, disconnected, reconnecting, gone) and a Ping every few seconds (answering,
// latency). A node is up when it answers and its stream is open, down when it does not answer
// or its stream failed, connecting in between. Pure state; the probing loop is the server's.
import type { ProbeResult, StreamEvent } from '@daqdata/client';
import type { NodeHealth, NodeState } from '../shared/control-messages.js';

interface Entry {
  stream: string;
  attempt: number | null;
  streamReason: string | null;
  answering: boolean | null;
  latencyMs: number | null;
  probeReason: string | null;
}

export class NodeHealthBoard {
  readonly #nodes = new Map<string, Entry>();

  constructor(hosts: readonly string[]) {
    for (const h of hosts) this.#nodes.set(h, { stream: 'opening', attempt: null, streamReason: null, answering: null, latencyMs: null, probeReason: null });
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
    }));
  }
}

function stateOf(n: Entry): NodeState {
  if (n.answering === false || n.stream === 'gone') return 'down';
  if (n.stream === 'disconnected' || n.stream === 'reconnecting') return n.answering ? 'connecting' : 'down';
  return n.answering && n.stream === 'connected' ? 'up' : 'connecting';
}
