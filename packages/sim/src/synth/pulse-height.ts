// Pulse-height content: each event is a compact blob (a Cherenkov flash seen by a few adjacent
// pixels) on one quabo's 16x16 board, on a pedestal-subtracted baseline with electronic
// noise (so pixels can be slightly negative: the pixel type is signed). Amplitudes follow a
// falling power law above the trigger threshold, the shape of a cosmic-ray pulse-height spectrum.
// Each board is painted in its own pixel order (what ph256 carries); a ph1024 module image is
// assembled from the four boards with core's quabo-to-quadrant mapping, as the recorder does,
// so an event shows at the same module pixels in both products.
import { MODULE_SIZE, QUABO_SIZE, QUABOS_PER_MODULE, placeQuaboImage } from '@daqdata/core';
import type { Random } from './random.js';

export interface PulseHeightEvent {
  quabo: number;
  /** Blob centre in the quabo's own 16x16 image, in pixels. */
  row: number;
  col: number;
  /** Peak pulse height in ADC counts. */
  amplitude: number;
  /** Blob width in pixels. */
  sigma: number;
}

export const PH_THRESHOLD = 150;
export const PH_MAX = 30_000;
/** dN/dA ~ A^-SPECTRAL_INDEX. */
export const SPECTRAL_INDEX = 2.7;
const BASELINE_NOISE = 6;
const INT16_MAX = 32_767;
const INT16_MIN = -32_768;

/** Inverse-CDF draw from the truncated power law between PH_THRESHOLD and PH_MAX. */
export function drawAmplitude(random: Random): number {
  const k = 1 - SPECTRAL_INDEX;
  const lo = PH_THRESHOLD ** k;
  const hi = PH_MAX ** k;
  return (lo + random.uniform() * (hi - lo)) ** (1 / k);
}

export function drawEvent(random: Random): PulseHeightEvent {
  return {
    quabo: random.int(QUABOS_PER_MODULE),
    // Keep the centre a pixel inside the board so the blob stays on it.
    row: 1 + random.uniform() * (QUABO_SIZE - 2),
    col: 1 + random.uniform() * (QUABO_SIZE - 2),
    amplitude: drawAmplitude(random),
    sigma: 0.5 + 0.5 * random.uniform(),
  };
}

function clampInt16(v: number): number {
  return Math.max(INT16_MIN, Math.min(INT16_MAX, Math.round(v)));
}

/** One board's 16x16 image in its own pixel order: noise and, if given, the event's blob. */
function paintQuabo(random: Random, event?: PulseHeightEvent): Int16Array {
  const out = new Int16Array(QUABO_SIZE * QUABO_SIZE);
  const twoSigma2 = event ? 2 * event.sigma * event.sigma : 1;
  for (let r = 0; r < QUABO_SIZE; r++) {
    for (let c = 0; c < QUABO_SIZE; c++) {
      let v = BASELINE_NOISE * random.normal();
      if (event) {
        const d2 = (c + 0.5 - event.col) ** 2 + (r + 0.5 - event.row) ** 2;
        v += event.amplitude * Math.exp(-d2 / twoSigma2);
      }
      out[r * QUABO_SIZE + c] = clampInt16(v);
    }
  }
  return out;
}

/** ph256: the 16x16 image of the quabo that triggered. */
export function quaboImage(event: PulseHeightEvent, random: Random): Int16Array {
  return paintQuabo(random, event);
}

/** ph1024: the whole 32x32 module, the blob on the triggering quabo, noise on the others. */
export function moduleImage(event: PulseHeightEvent, random: Random): Int16Array {
  const out = new Int16Array(MODULE_SIZE * MODULE_SIZE);
  for (let q = 0; q < QUABOS_PER_MODULE; q++) placeQuaboImage(paintQuabo(random, q === event.quabo ? event : undefined), q, out);
  return out;
}
