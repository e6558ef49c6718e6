// What the live view remembers per module and image kind: the latest image, the pixel values
// of recent frames (for robust colour limits) and recent arrival times (for the rate).
import type { ImageKind } from '@daqdata/core';
import { moduleField, type FieldSource, type Grid } from '@daqdata/core';
import { RATE_WINDOW_MS } from '@daqdata/core';
import { robustLimits, type ColourLimits } from '@daqdata/core';

/** The image fields the view uses (a ParsedImage has them all). */
export interface ViewImage extends FieldSource {
  readonly type: ImageKind;
  readonly dataProduct: string;
  readonly moduleId: number;
  readonly host: string;
  readonly time: { readonly iso: string; readonly wrSynchronised: boolean } | null;
}

export interface KindTrack {
  latest: ViewImage | undefined;
  latestField: Grid | undefined;
  /** Pixel values of the last RECENT_FRAMES frames, oldest first. */
  recent: ArrayLike<number>[];
  /** Arrival times (ms) within the rate window, ascending. */
  arrivalsMs: number[];
}

export interface ModuleTrack {
  readonly moduleId: number;
  host: string;
  readonly movie: KindTrack;
  readonly pulseHeight: KindTrack;
}

export const RECENT_FRAMES = 32;

function emptyKindTrack(): KindTrack {
  return { latest: undefined, latestField: undefined, recent: [], arrivalsMs: [] };
}

/** Module tracks by module id; add() folds in one image. */
export class ModuleTracks {
  readonly #tracks = new Map<number, ModuleTrack>();

  add(image: ViewImage, arrivalMs: number): void {
    let track = this.#tracks.get(image.moduleId);
    if (!track) {
      track = { moduleId: image.moduleId, host: image.host, movie: emptyKindTrack(), pulseHeight: emptyKindTrack() };
      this.#tracks.set(image.moduleId, track);
    }
    track.host = image.host;
    const kind = image.type === 'movie' ? track.movie : track.pulseHeight;
    kind.latest = image;
    kind.latestField = moduleField(image);
    kind.recent.push(image.pixels);
    if (kind.recent.length > RECENT_FRAMES) kind.recent.shift();
    kind.arrivalsMs.push(arrivalMs);
    while (kind.arrivalsMs.length > 0 && kind.arrivalsMs[0]! <= arrivalMs - RATE_WINDOW_MS) kind.arrivalsMs.shift();
  }

  /** Tracks in module-id order. */
  list(): ModuleTrack[] {
    return [...this.#tracks.values()].sort((a, b) => a.moduleId - b.moduleId);
  }
}

/** Colour limits of a kind from its recent frames. */
export function trackLimits(kind: KindTrack): ColourLimits | null {
  return robustLimits(kind.recent);
}
