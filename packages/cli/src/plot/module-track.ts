// What the live view remembers per module and image kind: the latest image, the pixel values
// of recent frames (for robust colour limits), frame samples (the module's data rate, from
// frame numbers and frame times) and the times a new image arrived (the display rate), and
// when the module was first heard from (to say a kind never came instead of waiting forever).
import type { ImageKind } from '@daqdata/core';
import { moduleField, sampleTimeMs, type FieldSource, type FrameSample, type Grid } from '@daqdata/core';
import { RATE_WINDOW_MS } from '@daqdata/core';
import { robustLimits, type ColourLimits } from '@daqdata/core';

/** The image fields the view uses (a ParsedImage has them all). */
export interface ViewImage extends FieldSource {
  readonly type: ImageKind;
  readonly dataProduct: string;
  readonly moduleId: number;
  readonly host: string;
  readonly file: string;
  readonly frameNumber: number;
  readonly time: { readonly iso: string; readonly wrSynchronised: boolean; readonly wrUnixNs?: bigint | null } | null;
}

/** One image kind (movie or pulse height) of one module. */
export interface KindTrack {
  latest: ViewImage | undefined;
  latestField: Grid | undefined;
  /** Pixel values of the last RECENT_FRAMES frames, oldest first. */
  recent: ArrayLike<number>[];
  /** Arrival times (ms) of new images within the rate window, ascending: the display rate. */
  arrivalsMs: number[];
  /** File, frame number and frame time of the images within the rate window: the data rate. */
  samples: FrameSample[];
}

/** Both image kinds of one module. */
export interface ModuleTrack {
  readonly moduleId: number;
  host: string;
  /** When the first image of either kind arrived (ms). */
  readonly firstSeenMs: number;
  readonly movie: KindTrack;
  readonly pulseHeight: KindTrack;
}

/** Frames the colour limits are taken over. */
export const RECENT_FRAMES = 32;

function emptyKindTrack(): KindTrack {
  return { latest: undefined, latestField: undefined, recent: [], arrivalsMs: [], samples: [] };
}


/** Module tracks by module id; add() folds in one image. */
export class ModuleTracks {
  readonly #tracks = new Map<number, ModuleTrack>();

  /** Folds in an image; false (nothing changes) when it is the frame already held: a node may send its latest frame again each interval. */
  add(image: ViewImage, arrivalMs: number): boolean {
    let track = this.#tracks.get(image.moduleId);
    if (!track) {
      track = { moduleId: image.moduleId, host: image.host, firstSeenMs: arrivalMs, movie: emptyKindTrack(), pulseHeight: emptyKindTrack() };
      this.#tracks.set(image.moduleId, track);
    }
    const kind = image.type === 'movie' ? track.movie : track.pulseHeight;
    const held = kind.latest;
    if (held && held.file === image.file && held.frameNumber === image.frameNumber && held.host === image.host) return false;
    track.host = image.host;
    kind.latest = image;
    kind.latestField = moduleField(image);
    kind.recent.push(image.pixels);
    if (kind.recent.length > RECENT_FRAMES) kind.recent.shift();
    kind.arrivalsMs.push(arrivalMs);
    while (kind.arrivalsMs.length > 0 && kind.arrivalsMs[0]! <= arrivalMs - RATE_WINDOW_MS) kind.arrivalsMs.shift();
    // Frame time: White Rabbit when synchronised, else when it arrived here.
    const timeMs = sampleTimeMs(image.time?.wrSynchronised ?? false, image.time?.wrUnixNs, arrivalMs);
    kind.samples.push({ file: image.file, frameNumber: image.frameNumber, timeMs });
    while (kind.samples.length > 0 && kind.samples[0]!.timeMs <= timeMs - RATE_WINDOW_MS) kind.samples.shift();
    return true;
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
