// Pulse-height content: each event is a compact blob (a Cherenkov flash seen by a few adjacent
// pixels) in one quabo's 16x16 quadrant, on a pedestal-subtracted baseline with electronic
// noise (so pixels can be slightly negative: the pixel type is signed). Amplitudes follow a
// falling power law above the trigger threshold, the shape of a cosmic-ray pulse-height spectrum.
import type { Random } from './random.js';
import { MODULE_SIZE, QUADRANT_SIZE, quadrantOrigin } from './quadrant.js';

export interface PulseHeightEvent {
  quabo: number;
  /** Blob centre within the quabo's quadrant, in pixels. */
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
    quabo: random.int(4),
    // Keep the centre a pixel inside the quadrant so the blob stays on its own board.
    row: 1 + random.uniform() * (QUADRANT_SIZE - 2),
    col: 1 + random.uniform() * (QUADRANT_SIZE - 2),
    amplitude: drawAmplitude(random),
    sigma: 0.5 + 0.5 * random.uniform(),
  };
}

function clampInt16(v: number): number {
  return Math.max(INT16_MIN, Math.min(INT16_MAX, Math.round(v)));
}

/** Fills a width-wide row-major image region of QUADRANT_SIZE^2 pixels at (row0, col0) with noise and, if given, the blob. */
function paintQuadrant(out: Int16Array, width: number, row0: number, col0: number, random: Random, event?: PulseHeightEvent): void {
  const twoSigma2 = event ? 2 * event.sigma * event.sigma : 1;
  for (let r = 0; r < QUADRANT_SIZE; r++) {
    for (let c = 0; c < QUADRANT_SIZE; c++) {
      let v = BASELINE_NOISE * random.normal();
      if (event) {
        const d2 = (c + 0.5 - event.col) ** 2 + (r + 0.5 - event.row) ** 2;
        v += event.amplitude * Math.exp(-d2 / twoSigma2);
      }
      out[(row0 + r) * width + col0 + c] = clampInt16(v);
    }
  }
}

/** ph256: the 16x16 image of the quabo that triggered. */
export function quadrantImage(event: PulseHeightEvent, random: Random): Int16Array {
  const out = new Int16Array(QUADRANT_SIZE * QUADRANT_SIZE);
  paintQuadrant(out, QUADRANT_SIZE, 0, 0, random, event);
  return out;
}

/** ph1024: the whole 32x32 module, the blob in the triggering quabo's quadrant, noise elsewhere. */
export function moduleImage(event: PulseHeightEvent, random: Random): Int16Array {
  const out = new Int16Array(MODULE_SIZE * MODULE_SIZE);
  for (let q = 0; q < 4; q++) {
    const o = quadrantOrigin(q);
    paintQuadrant(out, MODULE_SIZE, o.row, o.col, random, q === event.quabo ? event : undefined);
  }
  return out;
}
