// Pulse-height distribution: each event's maximum pixel, histogrammed per module over sliding
// windows (10 s / 60 s / 600 s by default). Events are kept with their arrival time; a
// window is a filter over them, so all windows share one store. Binning and log heights are
// core's pulse-height histogram, the one the browser dashboard draws.

/** Window lengths shown when --windows is not given (s). */
export const DEFAULT_WINDOWS_S: readonly number[] = [10, 60, 600];

/** One event as the distribution keeps it. */
export interface PulseHeightEvent {
  readonly arrivalMs: number;
  readonly maxPixel: number;
  /** Which frame it is (file and frame number): the same frame sent again is one event. */
  readonly frame?: string;
}

/** Events per module within the longest window. */
export class PulseHeightEvents {
  readonly #byModule = new Map<number, PulseHeightEvent[]>();
  constructor(readonly keepMs: number) {}

  /** Keeps an event; false (nothing kept) when it is the module's last frame again: a node may resend its latest each interval. */
  add(moduleId: number, event: PulseHeightEvent): boolean {
    let list = this.#byModule.get(moduleId);
    if (!list) this.#byModule.set(moduleId, (list = []));
    const last = list[list.length - 1];
    if (event.frame !== undefined && last?.frame === event.frame) return false;
    list.push(event);
    this.prune(event.arrivalMs);
    return true;
  }

  prune(nowMs: number): void {
    for (const list of this.#byModule.values()) {
      let drop = 0;
      while (drop < list.length && list[drop]!.arrivalMs <= nowMs - this.keepMs) drop++;
      if (drop > 0) list.splice(0, drop);
    }
  }

  modules(): number[] {
    return [...this.#byModule.keys()].sort((a, b) => a - b);
  }

  events(moduleId: number): readonly PulseHeightEvent[] {
    return this.#byModule.get(moduleId) ?? [];
  }
}

/** Maximum pixels of the events that arrived within windowMs before nowMs. */
export function valuesInWindow(events: readonly PulseHeightEvent[], nowMs: number, windowMs: number): number[] {
  return events.filter((e) => e.arrivalMs > nowMs - windowMs && e.arrivalMs <= nowMs).map((e) => e.maxPixel);
}

/** "10 s", "1 min": a window length as the screen names it. */
export function formatWindow(seconds: number): string {
  return seconds % 60 === 0 && seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`;
}
