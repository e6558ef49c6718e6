// Which modules and image types every-frame clients want, now or lately. The follower reads
// every appended frame of a module and data product only while this says so (otherwise its
// newest-only reads: a preview-only node costs what it did), and the ring holds frames only
// while anyone wants them. A client that goes away is still wanted for `lingerMs` (the ring's
// age bound), so that it can reconnect and resume without loss while the ring holds its frames.
// Pure bookkeeping on a clock: no timers; expired selections are dropped when asked.
import type { ImageKind } from '@daqdata/core';
import type { Clock } from './clock.js';
import { selects, type ImageSelection } from './client-image-stream.js';

export class EveryFrameInterest {
  private readonly active = new Set<ImageSelection>();
  /** Released selections and until when they still count. */
  private readonly lingering = new Map<ImageSelection, number>();

  constructor(
    private readonly lingerMs: number,
    private readonly clock: Clock,
  ) {}

  /** Registers a client's selection; the returned function releases it (it lingers). */
  register(selection: ImageSelection): () => void {
    this.active.add(selection);
    return () => {
      if (!this.active.delete(selection)) return;
      if (this.lingerMs > 0) this.lingering.set(selection, this.clock() + this.lingerMs);
    };
  }

  /** Whether any every-frame client wants anything (now, or lately). */
  any(): boolean {
    if (this.active.size > 0) return true;
    this.prune();
    return this.lingering.size > 0;
  }

  /** Whether a client wants every frame of this module and type. */
  wants(moduleId: number, kind: ImageKind): boolean {
    for (const s of this.active) if (selects(s, moduleId, kind)) return true;
    this.prune();
    for (const s of this.lingering.keys()) if (selects(s, moduleId, kind)) return true;
    return false;
  }

  get activeCount(): number {
    return this.active.size;
  }

  private prune(): void {
    if (this.lingering.size === 0) return;
    const now = this.clock();
    for (const [s, until] of this.lingering) if (until <= now) this.lingering.delete(s);
  }
}
