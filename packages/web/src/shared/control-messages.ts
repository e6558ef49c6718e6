// The JSON text messages beside the binary images: node health from the server, and the
// browser's view settings (which modules, how often). Pure, shared by both ends; settings
// arrive from outside, so every number has a bound and anything else is refused by name.

export type NodeState = 'up' | 'down' | 'connecting';

export interface NodeHealth {
  host: string;
  state: NodeState;
  /** Last ping's round trip, ms; null when it did not answer. */
  latencyMs: number | null;
  /** The stream's state as the SDK reports it (connected, disconnected, reconnecting, gone). */
  stream: string;
  /** Reconnect attempt number while reconnecting. */
  attempt: number | null;
  /** Why it is not up. */
  reason: string | null;
  /** Drop counters from the node's own metrics; null when it serves none (or they could not be read: see metrics). */
  drops: { streamImagesDropped: number; malformedFrames: number } | null;
  /** Where drops come from: the metrics URL, "no metrics" when the config names no metrics_port, or why reading failed. */
  metrics: string;
}

export interface HealthMessage {
  t: 'health';
  nodes: NodeHealth[];
  /** Images replaced before this browser took them (latest-wins), since it connected. */
  skipped: number;
  /** Images sent to this browser since it connected. */
  sent: number;
}

export interface ViewSettings {
  /** At most one image per tile per this many seconds. */
  intervalS: number;
  /** Only these modules; null = all. */
  moduleIds: number[] | null;
}

export interface SettingsMessage extends ViewSettings {
  t: 'settings';
}

/** The page has taken in this many image messages since it connected (flow control: see BrowserFeed). */
export interface AckMessage {
  t: 'ack';
  received: number;
}

export const INTERVAL_BOUNDS_S = { min: 0.01, max: 60 } as const;
export const MAX_FILTER_MODULES = 4096;

/** Checks a message from a browser: an ack, settings, or the reason it is refused. */
export function parseBrowserMessage(text: string): { ack: number } | ViewSettings | { error: string } {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return { error: 'message from the page: not JSON' };
  }
  if (typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'ack') {
    const n = (m as { received?: unknown }).received;
    return Number.isSafeInteger(n) && (n as number) >= 0 ? { ack: n as number } : { error: `ack: received must be a count, got ${String(n)}` };
  }
  return checkSettings(m);
}

/** Checks a settings message from a browser; returns the settings or the reason it is refused. */
export function parseSettings(text: string): ViewSettings | { error: string } {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return { error: 'settings: not JSON' };
  }
  return checkSettings(m);
}

function checkSettings(m: unknown): ViewSettings | { error: string } {
  if (typeof m !== 'object' || m === null || (m as { t?: unknown }).t !== 'settings') return { error: 'settings: t must be "settings"' };
  const { intervalS, moduleIds } = m as Record<string, unknown>;
  if (typeof intervalS !== 'number' || !(intervalS >= INTERVAL_BOUNDS_S.min && intervalS <= INTERVAL_BOUNDS_S.max)) {
    return { error: `settings: intervalS must be ${INTERVAL_BOUNDS_S.min}-${INTERVAL_BOUNDS_S.max} s, got ${String(intervalS)}` };
  }
  if (moduleIds === null) return { intervalS, moduleIds: null };
  if (!Array.isArray(moduleIds) || moduleIds.length > MAX_FILTER_MODULES || !moduleIds.every((id) => Number.isInteger(id) && id >= 0 && id <= 0xffffffff)) {
    return { error: `settings: moduleIds must be null or at most ${MAX_FILTER_MODULES} module ids (integers >= 0)` };
  }
  return { intervalS, moduleIds: moduleIds as number[] };
}

/** "1,2,5-7" → [1, 2, 5, 6, 7]; empty → null (all modules); the reason when it does not parse. */
export function parseModuleFilter(text: string): number[] | null | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const ids = new Set<number>();
  for (const part of trimmed.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) return { error: `module filter: "${part.trim()}" is not a module id or a range a-b` };
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a || b - a >= MAX_FILTER_MODULES) return { error: `module filter: range ${a}-${b} is empty or longer than ${MAX_FILTER_MODULES}` };
    for (let id = a; id <= b; id++) ids.add(id);
    if (ids.size > MAX_FILTER_MODULES) return { error: `module filter: more than ${MAX_FILTER_MODULES} modules` };
  }
  return [...ids].sort((x, y) => x - y);
}
