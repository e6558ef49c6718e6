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
  /**
   * Released selections and until when they still count, one entry per distinct selection: a
   * client opening and closing streams at will leaves one entry, not one per stream.
   */
  private readonly lingering = new Map<string, { selection: ImageSelection; until: number }>();

  constructor(
    private readonly lingerMs: number,
    private readonly clock: Clock,
  ) {}

  /** Registers a client's selection; the returned function releases it (it lingers). */
  register(selection: ImageSelection): () => void {
    this.active.add(selection);
    return () => {
      if (!this.active.delete(selection)) return;
      if (this.lingerMs > 0) this.lingering.set(selectionKey(selection), { selection, until: this.clock() + this.lingerMs });
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
    for (const { selection } of this.lingering.values()) if (selects(selection, moduleId, kind)) return true;
    return false;
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Distinct released selections still served. */
  get lingeringCount(): number {
    this.prune();
    return this.lingering.size;
  }

  private prune(): void {
    if (this.lingering.size === 0) return;
    const now = this.clock();
    for (const [key, { until }] of this.lingering) if (until <= now) this.lingering.delete(key);
  }
}

function selectionKey(s: ImageSelection): string {
  return `${s.movie ? 'm' : ''}${s.pulseHeight ? 'p' : ''}:${[...s.moduleIds].sort((a, b) => a - b).join(',')}`;
}
