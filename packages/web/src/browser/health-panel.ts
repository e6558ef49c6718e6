// The node table: one row per node with its state (up, down, connecting), ping latency, the
// SDK's stream state and reconnect attempt, its drops (from its metrics, when it serves them),
// and why it is not up.
import type { HealthMessage } from '../shared/control-messages.js';

export function renderHealth(body: HTMLElement, m: HealthMessage): void {
  const rows = m.nodes.map((n) => {
    const tr = document.createElement('tr');
    tr.dataset.host = n.host;
    tr.dataset.state = n.state;
    const cells = [
      n.host,
      n.state,
      n.latencyMs === null ? '–' : `${n.latencyMs.toFixed(1)} ms`,
      n.attempt !== null ? `${n.stream} (attempt ${n.attempt})` : n.stream,
      n.drops ? `${n.drops.streamImagesDropped} images dropped · ${n.drops.malformedFrames} malformed frames` : n.metrics,
      n.reason ?? '',
    ];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      if (i === 1) td.className = 'state';
      if (i === 4) {
        td.className = 'drops';
        td.title = n.metrics;
        if (n.drops) td.dataset.dropped = String(n.drops.streamImagesDropped);
      }
      td.textContent = text;
      tr.append(td);
    });
    return tr;
  });
  body.replaceChildren(...rows);
}
