// A small seeded PRNG with the distributions the sky model needs. Seeded so that a test, a
// fixture and a benchmark produce the same frames on every run and every machine.

export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (mean 0, sd 1). */
  normal(): number;
  /** Poisson-distributed count with this mean. */
  poisson(mean: number): number;
  /** Draws from one fixed Poisson mean, faster than poisson() when many pixels share it (a sky background). */
  poissonSampler(mean: number): () => number;
  /** Exponential waiting time with this rate (events per unit). */
  exponential(rate: number): number;
}

/** mulberry32: 32-bit state, fast, statistically fine for simulated photon counts. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** P(X <= k) for k = 0.. until the tail is below double precision. */
function poissonCdf(mean: number): Float64Array {
  const values: number[] = [];
  let p = Math.exp(-mean);
  let sum = p;
  for (let k = 0; sum < 1 - 1e-15 && k < 200; ) {
    values.push(sum);
    k++;
    p *= mean / k;
    sum += p;
  }
  values.push(1);
  return Float64Array.from(values);
}

export function seededRandom(seed: number): Random {
  const next = mulberry32(seed);
  let spareNormal: number | undefined;
  const normal = (): number => {
    if (spareNormal !== undefined) {
      const s = spareNormal;
      spareNormal = undefined;
      return s;
    }
    // Box-Muller; 1 - u keeps the log argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  return {
    uniform: next,
    int: (n) => Math.floor(next() * n),
    normal,
    poisson(mean) {
      if (mean <= 0) return 0;
      // Knuth's product method is exact and cheap for small means; above ~30 the normal
      // approximation is indistinguishable in a 16-bit image and keeps the cost per pixel flat.
      if (mean < 30) {
        const limit = Math.exp(-mean);
        let k = 0;
        let p = next();
        while (p > limit) {
          k++;
          p *= next();
        }
        return k;
      }
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
    },
    poissonSampler(mean) {
      if (mean >= 30 || mean <= 0) return () => this.poisson(mean);
      // Exact inversion of a precomputed cumulative distribution: one uniform per draw.
      const cdf = poissonCdf(mean);
      return () => {
        const u = next();
        let k = 0;
        while (k < cdf.length - 1 && u >= cdf[k]!) k++;
        return k;
      };
    },
    exponential: (rate) => -Math.log(1 - next()) / rate,
  };
}
