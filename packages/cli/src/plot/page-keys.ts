// The keys that page a live view, as a terminal sends them in raw mode: n, space, PgDn, → or
// ↓ for the next page; p, PgUp, ← or ↑ for the previous one; Home / End for the first / last.

/** What a key does to the page: a step, a jump to an end, or nothing. */
export type PageMove = { step: 1 | -1 } | { to: 'first' | 'last' } | null;

const NEXT = new Set(['n', 'N', ' ', '\x1b[6~', '\x1b[C', '\x1b[B', '\x1bOC', '\x1bOB']);
const PREVIOUS = new Set(['p', 'P', '\x1b[5~', '\x1b[D', '\x1b[A', '\x1bOD', '\x1bOA']);
const FIRST = new Set(['\x1b[H', '\x1b[1~', '\x1bOH', 'g']);
const LAST = new Set(['\x1b[F', '\x1b[4~', '\x1bOF', 'G']);

/** One key: a CSI sequence (ESC [ params final), an SS3 one (ESC O x), or one character. */
const KEY = /\x1b\[[0-9;]*[~A-Za-z]|\x1bO[A-Za-z]|[\s\S]/gu;

/**
 * The keys of one chunk read from the terminal, in order. Keys typed (or sent) quickly arrive
 * in one chunk ("n\x1b[5~"): read as one key it matched nothing, and the moves were lost.
 */
export function keysOf(chunk: string): string[] {
  return chunk.match(KEY) ?? [];
}

/** The page move of one key. */
export function pageMove(chunk: string): PageMove {
  if (NEXT.has(chunk)) return { step: 1 };
  if (PREVIOUS.has(chunk)) return { step: -1 };
  if (FIRST.has(chunk)) return { to: 'first' };
  if (LAST.has(chunk)) return { to: 'last' };
  return null;
}

/** The page after a move, within 0..pages-1. */
export function applyPageMove(page: number, pages: number, move: PageMove): number {
  const last = Math.max(0, pages - 1);
  if (move === null) return Math.min(Math.max(0, page), last);
  if ('to' in move) return move.to === 'first' ? 0 : last;
  return Math.min(Math.max(0, page + move.step), last);
}

/** The keys shown on screen. */
export const PAGE_KEYS_HELP = 'n/PgDn next · p/PgUp previous · q quits';
