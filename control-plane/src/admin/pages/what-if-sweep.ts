import { MAX_SWEEP_LOAD_FACTOR } from '@conductor/schema/contracts/catalog';

/*
 * Which load factors the what-if page sweeps. Pure: tested with vectors in what-if-sweep.test.ts.
 *
 * A fixed range (×1 to ×50) stays flat for an op whose origin has plenty of headroom, and never
 * shows the knee where queueing latency takes off. Utilisation is linear in load, ρ(f) = f·ρ(1)
 * with ρ = λ(1 − h)/(c·μ), so ρ at today's load (the probe) fixes the factor at which the origin
 * saturates, 1/ρ(1), and the sweep is laid out in ρ instead: spread over the stable range, denser
 * towards ρ = 1, and one point past it where the model answers "saturated".
 */

/** Utilisations the sweep samples. */
export const SWEEP_UTILISATIONS = [0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99, 1.05] as const;


/** Range when today's load sends nothing to the origin (no traffic, or every request a hit). */
const FLAT_FACTORS = [0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5];

export interface SweepPlan {
  /** Load factors to request, ascending, today's (×1) and the chosen one included. */
  loadFactors: number[];
  /** Load factor at which ρ reaches 1; null when ρ(1) is 0 and no load saturates the origin. */
  saturatesAt: number | null;
  /** Upper end of the load-factor slider. */
  maxLoad: number;
}

/** Three significant digits: chart labels like ×3460 rather than ×3455.107. */
const round3 = (x: number) => Number(x.toPrecision(3));

/** Rounds up to two significant digits (a slider end such as 3700). */
function ceil2(x: number): number {
  const p = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Number((Math.ceil(x / p - 1e-9) * p).toPrecision(12));
}

/**
 * The sweep for a scenario whose origin utilisation at today's load is `rhoAtToday`, with the user's
 * `chosen` load factor. Rounding a factor to three digits moves ρ by at most 0.5 %, so the 0.99
 * point stays on the stable side.
 */
export function planSweep(rhoAtToday: number | undefined, chosen: number): SweepPlan {
  const withTodayAndChosen = (xs: number[]) => [...new Set([...xs, 1, chosen])].filter((x) => x >= 0 && x <= MAX_SWEEP_LOAD_FACTOR).sort((a, b) => a - b);
  if (!(rhoAtToday !== undefined && rhoAtToday > 0 && Number.isFinite(rhoAtToday))) {
    return { loadFactors: withTodayAndChosen(FLAT_FACTORS), saturatesAt: null, maxLoad: 5 };
  }
  const saturatesAt = 1 / rhoAtToday;
  const factors = SWEEP_UTILISATIONS.map((u) => round3(u * saturatesAt));
  const last = factors[factors.length - 1]!;
  return { loadFactors: withTodayAndChosen(factors), saturatesAt, maxLoad: Math.min(MAX_SWEEP_LOAD_FACTOR, Math.max(1, ceil2(last))) };
}

/** Slider step for a range of [0, maxLoad]: fine for small ranges, and always dividing 1 so ×1 stays on the slider. */
export function loadStep(maxLoad: number): number {
  if (maxLoad <= 20) return 0.05;
  if (maxLoad <= 200) return 0.5;
  return 1;
}
