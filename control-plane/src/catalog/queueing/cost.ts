import type { CostResult, Micros, PriceModel } from './types.ts';

/**
 * Cost in integer micro-dollars. Float inputs (λ, hit ratio, service mean, memory) enter money
 * only as fixed-point integers, each rounded once to the nearest unit of its scale:
 *   λ → micro-requests/s (×1e6), hit ratio → ppm (×1e6), service mean → ns (×1e6 per ms),
 *   memory → micro-GB (×1e6).
 * Everything after that is exact bigint arithmetic on one rational, rounded once, half up, to
 * whole micro-dollars.
 */
export interface CostInput {
  lambda: number;
  hitRatio: number;
  instances: number;
  serviceMeanMs: number;
  price?: PriceModel;
}

const MILLION = 1_000_000n;
const SECONDS_PER_HOUR = 3600n;

/** Nearest integer of a non-negative float as a bigint (half away from zero; the float is < 2^53 by validation). */
export function toFixed(value: number, scale: number): bigint {
  return BigInt(Math.round(value * scale));
}

/** num/den rounded half up, for num ≥ 0, den > 0. */
export function divRoundHalfUp(num: bigint, den: bigint): bigint {
  if (den <= 0n || num < 0n) throw new RangeError('divRoundHalfUp needs num ≥ 0 and den > 0');
  return (2n * num + den) / (2n * den);
}

/** Cost per hour as an exact rational num/den (micro-dollars). */
function perHourRational(input: CostInput, price: PriceModel): { num: bigint; den: bigint } {
  if (price.kind === 'instance-hour') return { num: BigInt(input.instances) * price.microsPerInstanceHour, den: 1n };
  const lambdaMicro = toFixed(input.lambda, 1e6); // requests/s × 1e6
  const missPpm = MILLION - toFixed(input.hitRatio, 1e6); // × 1e6
  const meanNs = toFixed(input.serviceMeanMs, 1e6); // seconds × 1e9
  const memMicroGb = toFixed(price.memoryGb, 1e6); // GB × 1e6
  // Misses per hour, scaled by 1e12.
  const missesPerHour = lambdaMicro * missPpm * SECONDS_PER_HOUR;
  // requests: missesPerHour/1e12 × price/1e6
  const requestsNum = missesPerHour * price.microsPerMillionRequests; // / 1e18
  // GB-seconds: missesPerHour/1e12 × meanNs/1e9 × memMicroGb/1e6 × price/1e6
  const gbNum = missesPerHour * meanNs * memMicroGb * price.microsPerMillionGbSeconds; // / 1e33
  const den = 10n ** 33n;
  return { num: requestsNum * 10n ** 15n + gbNum, den };
}

export function computeCost(input: CostInput): CostResult {
  if (!input.price) return { perHourMicros: null, perMillionRequestsMicros: null };
  const { num, den } = perHourRational(input, input.price);
  const perHourMicros: Micros = divRoundHalfUp(num, den);
  // Per million client requests: (num/den) × 1e6 / (λ × 3600) with λ = lambdaMicro / 1e6.
  const lambdaMicro = toFixed(input.lambda, 1e6);
  const perMillionRequestsMicros =
    lambdaMicro === 0n ? null : divRoundHalfUp(num * MILLION * MILLION, den * lambdaMicro * SECONDS_PER_HOUR);
  return { perHourMicros, perMillionRequestsMicros };
}
