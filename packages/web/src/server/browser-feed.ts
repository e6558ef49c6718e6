// What one browser is sent: per tile (module and image kind) only the newest image waits, and
// it goes out when the tile's interval has passed and the socket's send buffer is below a
// bound. A slow browser therefore costs at most one pending image per tile, never a queue:
// an image replaced before it was sent is counted as skipped. The socket's buffer alone does
// not see the kernel's socket buffers (megabytes on loopback, seconds of images), so the page
// also acknowledges what it has taken in, and at most maxUnacked images are on their way.

/** The part of a ws WebSocket the feed uses (a real one in production and tests). */
export interface FeedSocket {
  readonly bufferedAmount: number;
  send(data: Uint8Array, cb: (err?: Error) => void): void;
}

export interface FeedOptions {
  /** Bytes already in the socket's buffer above which nothing more is sent until it drains. */
  maxBufferedBytes: number;
  /** At most one image per tile per this many ms. */
  intervalMs: number;
  /** Tiles to send; null = all. */
  moduleIds: ReadonlySet<number> | null;
  /** Images sent but not yet acknowledged by the page, at most (default: no limit). */
  maxUnacked?: number;
  now?: () => number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024;
/** The dashboard's bound on images in flight to one page: a few animation frames' worth. */
export const DEFAULT_MAX_UNACKED = 64;

export class BrowserFeed {
  readonly #socket: FeedSocket;
  readonly #now: () => number;
  #options: FeedOptions;
  /** Newest unsent image per tile key, in the order tiles first became pending. */
  readonly #pending = new Map<string, Uint8Array>();
  readonly #lastSentMs = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  sent = 0;
  skipped = 0;
  acked = 0;

  constructor(socket: FeedSocket, options: FeedOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  configure(o: Pick<FeedOptions, 'intervalMs' | 'moduleIds'>): void {
    this.#options = { ...this.#options, ...o };
    if (o.moduleIds) for (const key of [...this.#pending.keys()]) if (!o.moduleIds.has(moduleOfKey(key))) this.#pending.delete(key);
    this.#flush();
  }

  /** Offers the newest image of a tile; replaces (and counts as skipped) one still waiting. */
  offer(moduleId: number, kind: string, message: Uint8Array): void {
    if (this.#closed || (this.#options.moduleIds && !this.#options.moduleIds.has(moduleId))) return;
    const key = `${moduleId}/${kind}`;
    if (this.#pending.delete(key)) this.skipped++;
    this.#pending.set(key, message);
    this.#flush();
  }

  /** The page has taken in `received` images in all (a count, so a lost or repeated ack does no harm). */
  ack(received: number): void {
    this.acked = Math.max(this.acked, Math.min(received, this.sent));
    this.#flush();
  }

  /** Images waiting (at most one per tile). */
  get pending(): number {
    return this.#pending.size;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#pending.clear();
  }

  #flush(): void {
    if (this.#closed) return;
    const now = this.#now();
    let nextDueMs = Infinity;
    for (const [key, message] of this.#pending) {
      // Wait for the socket to drain (the send callback flushes again) or the page to ack (ack() does).
      if (this.#socket.bufferedAmount > this.#options.maxBufferedBytes) return;
      if (this.sent - this.acked >= (this.#options.maxUnacked ?? Infinity)) return;
      const due = (this.#lastSentMs.get(key) ?? -Infinity) + this.#options.intervalMs;
      if (due > now) {
        nextDueMs = Math.min(nextDueMs, due);
        continue;
      }
      this.#pending.delete(key);
      this.#lastSentMs.set(key, now);
      this.sent++;
      this.#socket.send(message, () => {
        if (this.#pending.size > 0) this.#flush();
      });
    }
    if (nextDueMs < Infinity && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#flush();
      }, nextDueMs - now);
    }
  }
}

function moduleOfKey(key: string): number {
  return Number(key.slice(0, key.indexOf('/')));
}
