// Per-client-host rate limit on stream starts. One connection opening and resetting 18,000
// StreamImages calls in 5 s took the node to 46 % CPU and cut a normal client from 50 to 6
// images/s. A token bucket per host (not per connection: a flood spread over connections is
// still one peer) refuses starts beyond the rate before any of the node's per-stream work.
import type { Clock } from '../broadcast/clock.js';

/** "1.2.3.4:5678", "ipv4:1.2.3.4:5678", "::1:5678", "[::1]:5678" -> the host; unix peers are "unix". */
export function peerHost(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, '');
  if (bare === 'unknown' || bare.startsWith('unix:') || bare.startsWith('/')) return 'unix';
  const bracketed = /^\[(.*)\]:\d+$/.exec(bare);
  if (bracketed) return bracketed[1]!;
  return /:\d+$/.test(bare) ? bare.replace(/:\d+$/, '') : bare;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Hosts tracked at most; beyond it, hosts whose bucket has refilled are forgotten (they are back to a full bucket anyway). */
const MAX_TRACKED_HOSTS = 10_000;

export class StreamStartLimit {
  private readonly buckets = new Map<string, Bucket>();
  /** Bursts up to this many starts are accepted at once. */
  readonly burst: number;

  constructor(
    readonly perSecond: number,
    private readonly clock: Clock,
  ) {
    this.burst = Math.max(1, 2 * perSecond);
  }

  /** Takes one start for `host`; false when its bucket is empty. */
  take(host: string): boolean {
    const now = this.clock();
    let b = this.buckets.get(host);
    if (!b) {
      if (this.buckets.size >= MAX_TRACKED_HOSTS) this.forgetRefilled(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(host, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private forgetRefilled(now: number): void {
    for (const [host, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(host);
    }
  }
}
