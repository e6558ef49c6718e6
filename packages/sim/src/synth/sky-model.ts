// Movie-mode content: a sky background plus a few stars drifting slowly across the 32x32 field,
// sampled with Poisson noise. The expected image is a pure function of time, so frames at any
// rate show the same smooth drift.
import { MODULE_SIZE, type DataProductInfo } from '@daqdata/core';
import type { Random } from './random.js';

export interface Star {
  /** Position at t = 0 in pixels (column x, row y). */
  x0: number;
  y0: number;
  /** Drift in pixels per second; a star leaving one edge re-enters at the other. */
  vx: number;
  vy: number;
  /** Peak counts above the background. */
  peak: number;
  /** A pulsar: the peak is modulated as peak · (1 + depth · sin(2π · frequencyHz · t)). */
  pulse?: { frequencyHz: number; depth: number };
}

/** A pulsing star at a fixed position: the truth a light-curve analysis must recover. */
export interface PulsarOptions {
  frequencyHz: number;
  /** Position in pixels (column x, row y); default the module's centre. */
  x?: number;
  y?: number;
  /** Mean peak counts above the background (default 5,000 for 16-bit frames). */
  peak?: number;
  /** Modulation depth 0-1 (default 0.5). */
  depth?: number;
}

/** The star a PulsarOptions describes (no drift). */
export function pulsarStar(o: PulsarOptions): Star {
  if (!(o.frequencyHz > 0) || !Number.isFinite(o.frequencyHz)) throw new RangeError(`pulsar frequencyHz must be a positive number, got ${o.frequencyHz}`);
  const depth = o.depth ?? 0.5;
  if (!(depth >= 0 && depth <= 1)) throw new RangeError(`pulsar depth must be within 0-1, got ${depth}`);
  return { x0: o.x ?? MODULE_SIZE / 2, y0: o.y ?? MODULE_SIZE / 2, vx: 0, vy: 0, peak: o.peak ?? 5_000, pulse: { frequencyHz: o.frequencyHz, depth } };
}

export interface SkyModel {
  background: number;
  /** Gaussian PSF width in pixels. */
  psfSigma: number;
  stars: Star[];
  /** Saturation level of the pixel type. */
  maxValue: number;
}

/** Count levels per pixel width: 8-bit frames come from short integrations, so fewer counts. */
function levels(dp: DataProductInfo): { background: number; peakMin: number; peakMax: number; maxValue: number } {
  return dp.bytesPerPixel === 1
    ? { background: 12, peakMin: 40, peakMax: 200, maxValue: 255 }
    : { background: 300, peakMin: 1_500, peakMax: 20_000, maxValue: 65_535 };
}

export function createSky(random: Random, dp: DataProductInfo, starCount = 4): SkyModel {
  const l = levels(dp);
  const stars: Star[] = [];
  for (let i = 0; i < starCount; i++) {
    const speed = 0.05 + 0.25 * random.uniform(); // pixels per second: slow, like sidereal drift
    const angle = 2 * Math.PI * random.uniform();
    stars.push({
      x0: MODULE_SIZE * random.uniform(),
      y0: MODULE_SIZE * random.uniform(),
      vx: speed * Math.cos(angle),
      vy: speed * Math.sin(angle),
      // Log-uniform brightness: a few bright stars and fainter ones.
      peak: l.peakMin * (l.peakMax / l.peakMin) ** random.uniform(),
    });
  }
  return { background: l.background, psfSigma: 0.9, stars, maxValue: l.maxValue };
}

function wrap(v: number): number {
  return ((v % MODULE_SIZE) + MODULE_SIZE) % MODULE_SIZE;
}

/** Expected counts per pixel (row-major 32x32) at tSeconds after the model's epoch. */
export function expectedSky(sky: SkyModel, tSeconds: number): Float64Array {
  const mean = new Float64Array(MODULE_SIZE * MODULE_SIZE).fill(sky.background);
  const twoSigma2 = 2 * sky.psfSigma * sky.psfSigma;
  const reach = Math.ceil(4 * sky.psfSigma);
  for (const s of sky.stars) {
    const peak = s.pulse ? s.peak * (1 + s.pulse.depth * Math.sin(2 * Math.PI * s.pulse.frequencyHz * tSeconds)) : s.peak;
    const x = wrap(s.x0 + s.vx * tSeconds);
    const y = wrap(s.y0 + s.vy * tSeconds);
    const r0 = Math.max(0, Math.floor(y) - reach);
    const r1 = Math.min(MODULE_SIZE - 1, Math.floor(y) + reach);
    const c0 = Math.max(0, Math.floor(x) - reach);
    const c1 = Math.min(MODULE_SIZE - 1, Math.floor(x) + reach);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const d2 = (c + 0.5 - x) ** 2 + (r + 0.5 - y) ** 2;
        mean[r * MODULE_SIZE + c]! += peak * Math.exp(-d2 / twoSigma2);
      }
    }
  }
  return mean;
}

/** One movie frame: Poisson counts around the expected sky, clipped at the pixel type's saturation. */
export function movieImage(sky: SkyModel, tSeconds: number, dp: DataProductInfo, random: Random): Uint8Array | Uint16Array {
  const mean = expectedSky(sky, tSeconds);
  const out = dp.bytesPerPixel === 1 ? new Uint8Array(mean.length) : new Uint16Array(mean.length);
  // Most pixels see only the background: one shared sampler for them.
  const background = random.poissonSampler(sky.background);
  for (let i = 0; i < mean.length; i++) {
    const m = mean[i]!;
    out[i] = Math.min(sky.maxValue, m === sky.background ? background() : random.poisson(m));
  }
  return out;
}
