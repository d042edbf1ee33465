/*
 * Axis ticks for the server-drawn charts. Pure: no I/O, tested with vectors in ticks.test.ts.
 *
 * Hand-written rather than taken from a chart library because the pages draw their own SVG (ADR
 * 0006: no client framework) and this is the one piece of scale logic they need: round steps of
 * 1, 2, 2.5 or 5 × 10^k, and whole-number steps only on axes that count things (purges, requests),
 * where a label like "0.5" or a rounded "0, 0, 1, 1, 1" would misstate the data.
 */

export interface TickOptions {
  /** About this many intervals between the first and the last tick. */
  count?: number;
  /** The axis counts things: every tick is a whole number (step ≥ 1). */
  integer?: boolean;
}

const MULTIPLES = [0.5, 1, 2, 2.5, 5, 10];

/** The round step that cuts `span` into the number of intervals closest to `count`. */
export function niceStep(span: number, { count = 5, integer = false }: TickOptions = {}): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const p = 10 ** Math.floor(Math.log10(span / count));
  const steps = MULTIPLES.map((m) => Number((m * p).toPrecision(12))).filter((s) => !integer || (Number.isInteger(s) && s >= 1));
  if (steps.length === 0) return 1;
  return steps.reduce((best, s) => (Math.abs(span / s - count) < Math.abs(span / best - count) ? s : best));
}

/** i × step without the drift of repeated addition (0.1 + 0.2 …). */
const at = (i: number, step: number) => Number((i * step).toPrecision(12));

/** Round tick positions inside [min, max] (an axis whose range is fixed, e.g. a time window or a sweep). */
export function niceTicks(min: number, max: number, options: TickOptions = {}): number[] {
  if (!(max > min)) return [min];
  const step = niceStep(max - min, options);
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); at(i, step) <= max + step * 1e-9; i++) ticks.push(at(i, step));
  return ticks;
}

export interface Scale {
  min: number;
  max: number;
  ticks: number[];
}

/**
 * A value axis that covers [min, max] and starts and ends on a tick (the domain grows outwards to
 * the next round step). An empty range (every value equal) still gets a step of 1 above it.
 */
export function niceScale(min: number, max: number, options: TickOptions = {}): Scale {
  const lo0 = Number.isFinite(min) ? min : 0;
  const hi0 = Number.isFinite(max) && max > lo0 ? max : lo0 + 1;
  const step = niceStep(hi0 - lo0, options);
  const first = Math.floor(lo0 / step + 1e-9);
  const last = Math.ceil(hi0 / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(at(i, step));
  return { min: ticks[0]!, max: ticks[ticks.length - 1]!, ticks };
}
