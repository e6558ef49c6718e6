// The page: connect to `daq web`'s WebSocket (again after it drops), fold binary image
// messages into one tile per module, draw changed tiles once per animation frame, show node
// health, and send the view settings (module filter, interval) to the server so it sends only
// what is shown. window.daqWeb exposes the draw statistics the browser test and bench read.
import type { ColourMapName } from '@daqdata/core/browser';
import { parseModuleFilter, type HealthMessage } from '../shared/control-messages.js';
import { decodeTileImage } from '../shared/image-message.js';
import { renderHealth } from './health-panel.js';
import { LargeView } from './large-view.js';
import { ModuleTile } from './module-tile.js';

/** Acknowledge after this many images (well under the server's limit in flight, 64). */
const ACK_EVERY = 8;
/** Samples kept for delay figures. */
const MAX_DELAY_SAMPLES = 100_000;

const stats = {
  received: 0,
  frozen: false,
  drawn: 0,
  badMessages: 0,
  /** Node send → canvas drawn, ms, per image drawn. */
  delaysMs: [] as number[],
  lastHealth: null as HealthMessage | null,
};
(window as unknown as { daqWeb: unknown }).daqWeb = { stats };

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const tilesRoot = $('#tiles');
const tiles = new Map<number, ModuleTile>();
const large = new LargeView($('#large'));
const connection = $('#connection');
const filterInput = $<HTMLInputElement>('#module-filter');
const intervalSelect = $<HTMLSelectElement>('#interval');
const mapSelect = $<HTMLSelectElement>('#colour-map');
const freezeButton = $<HTMLButtonElement>('#freeze');
let frozen = false;
let filter: Set<number> | null = null;
let socket: WebSocket | undefined;
let drawScheduled = false;

const colourMap = (): ColourMapName => (mapSelect.value === 'plasma' ? 'plasma' : 'viridis');

function tileFor(moduleId: number): ModuleTile {
  let tile = tiles.get(moduleId);
  if (!tile) {
    tile = new ModuleTile(moduleId, (t) => large.open(t, colourMap()));
    tiles.set(moduleId, tile);
    const after = [...tiles.keys()].filter((id) => id > moduleId).sort((a, b) => a - b)[0];
    tilesRoot.insertBefore(tile.root, after === undefined ? null : tiles.get(after)!.root);
    tile.root.hidden = filter !== null && !filter.has(moduleId);
  }
  return tile;
}

function scheduleDraw(): void {
  if (drawScheduled || frozen) return;
  drawScheduled = true;
  requestAnimationFrame(() => {
    drawScheduled = false;
    if (frozen) return;
    const now = Date.now();
    for (const tile of tiles.values()) {
      if (!tile.dirty || tile.root.hidden) continue;
      for (const img of tile.draw(now, colourMap())) {
        stats.drawn++;
        if (img.nodeSentMs !== null && stats.delaysMs.length < MAX_DELAY_SAMPLES) stats.delaysMs.push(now - img.nodeSentMs);
      }
      if (large.module === tile.moduleId) large.redraw(colourMap());
    }
  });
}

function sendSettings(): void {
  if (socket?.readyState !== WebSocket.OPEN) return;
  socket.send(JSON.stringify({ t: 'settings', intervalS: Math.max(0.01, Number(intervalSelect.value) || 0.01), moduleIds: filter ? [...filter] : null }));
}

function connect(): void {
  const ws = new WebSocket(new URL('ws', location.href.replace(/^http/, 'ws')));
  ws.binaryType = 'arraybuffer';
  socket = ws;
  // Image messages taken in on this connection, and the count last acknowledged.
  let taken = 0;
  let acked = 0;
  ws.onopen = () => {
    connection.dataset.state = 'up';
    connection.textContent = 'connected';
    sendSettings();
  };
  ws.onmessage = (e: MessageEvent) => {
    if (typeof e.data === 'string') {
      const m = JSON.parse(e.data) as HealthMessage | { t: 'error'; message: string };
      if (m.t === 'health') {
        stats.lastHealth = m;
        renderHealth($('#nodes tbody'), m);
        $('#throughput').textContent = `sent to this page ${m.sent} · skipped (latest-wins) ${m.skipped}`;
      } else if (m.t === 'error') $('#filter-error').textContent = m.message;
      return;
    }
    // Acknowledge every few images taken in: the server keeps only a few in flight (flow control).
    if (++taken - acked >= ACK_EVERY) {
      acked = taken;
      ws.send(JSON.stringify({ t: 'ack', received: taken }));
    }
    try {
      const img = decodeTileImage(new Uint8Array(e.data as ArrayBuffer));
      stats.received++;
      // Frozen: the picture (tiles and large view) holds still; new images are not taken in.
      if (frozen) return;
      tileFor(img.moduleId).add(img, Date.now());
      scheduleDraw();
    } catch (err) {
      stats.badMessages++;
      console.warn(err);
    }
  };
  ws.onclose = () => {
    connection.dataset.state = 'down';
    connection.textContent = 'daq web not answering; retrying';
    setTimeout(connect, 1000);
  };
}

freezeButton.addEventListener('click', () => {
  frozen = !frozen;
  stats.frozen = frozen;
  freezeButton.textContent = frozen ? 'resume' : 'freeze';
  scheduleDraw();
});
filterInput.addEventListener('change', () => {
  const parsed = parseModuleFilter(filterInput.value);
  if (parsed !== null && 'error' in parsed) {
    $('#filter-error').textContent = parsed.error;
    return;
  }
  $('#filter-error').textContent = '';
  filter = parsed ? new Set(parsed) : null;
  for (const [id, tile] of tiles) tile.root.hidden = filter !== null && !filter.has(id);
  sendSettings();
  scheduleDraw();
});
intervalSelect.addEventListener('change', sendSettings);
mapSelect.addEventListener('change', () => {
  for (const tile of tiles.values()) tile.invalidate();
  if (large.module !== undefined) large.redraw(colourMap());
  scheduleDraw();
});
setInterval(() => {
  const now = Date.now();
  for (const tile of tiles.values()) {
    tile.checkQuiet(now);
    tile.drawRates();
  }
}, 1000);
connect();
