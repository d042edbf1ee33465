/**
 * Seeded pseudo-random numbers for the simulator: xoshiro128** (Blackman & Vigna, "Scrambled
 * linear pseudorandom number generators", 2018; reference C at prng.di.unimi.it) seeded through
 * splitmix32, and 53-bit uniform doubles from two outputs. Same seed → same stream, everywhere.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in (0, 1): safe under log. */
  open(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  exponential(mean: number): number {
    return -mean * Math.log(this.open());
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * f;
        return u * f;
      }
    }
  }

  /** Gamma(shape k, scale 1): Marsaglia & Tsang (2000), with the U^(1/k) boost for k < 1. */
  gamma(k: number): number {
    if (k < 1) return this.gamma(k + 1) * Math.pow(this.open(), 1 / k);
    const d = k - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.open();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A sampler of positive values with the given mean (and shape), in the caller's unit. */
export type Sampler = () => number;

export function exponentialSampler(rng: Rng, mean: number): Sampler {
  return () => rng.exponential(mean);
}

export function gammaSampler(rng: Rng, mean: number, scv: number): Sampler {
  const k = 1 / scv;
  const scale = mean * scv;
  return () => rng.gamma(k) * scale;
}

export function lognormalSampler(rng: Rng, mean: number, scv: number): Sampler {
  const sigma = Math.sqrt(Math.log1p(scv));
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return () => Math.exp(mu + sigma * rng.normal());
}

/** Pareto type I with the given mean and tail index α > 1: x_m·U^(−1/α), x_m = mean(α − 1)/α. */
export function paretoSampler(rng: Rng, mean: number, alpha: number): Sampler {
  const xm = (mean * (alpha - 1)) / alpha;
  return () => xm * Math.pow(rng.open(), -1 / alpha);
}

/** α of a Pareto I with finite squared coefficient of variation scv: 1/(α(α − 2)) = scv. */
export function paretoAlphaForScv(scv: number): number {
  return 1 + Math.sqrt(1 + 1 / scv);
}

/**
 * Balanced-means two-phase hyperexponential H2 with mean m and scv > 1 (Whitt, "Approximating a
 * point process by a renewal process", 1982): p₁ = (1 + √((s − 1)/(s + 1)))/2, rates 2p₁/m, 2p₂/m.
 */
export function hyperexponentialSampler(rng: Rng, mean: number, scv: number): Sampler {
  const p1 = (1 + Math.sqrt((scv - 1) / (scv + 1))) / 2;
  const mean1 = mean / (2 * p1);
  const mean2 = mean / (2 * (1 - p1));
  return () => (rng.uniform() < p1 ? rng.exponential(mean1) : rng.exponential(mean2));
}
