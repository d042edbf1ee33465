import type { ExportServingCounter } from '@conductor/schema/exports';
import type { RangeDecision } from './range.ts';

/*
 * What a download request counts for /metrics and the alert rules (docs/adr/0017). Pure.
 *
 * A request with a Range header is a resume: a client (`conductor export pull`, `curl -C -`)
 * asking for the bytes it still lacks. It succeeded when it got them (206). It failed when the
 * range was ignored and the whole representation sent again (If-Range named another validator: the
 * client's partial copy is of something else; or a range we answer whole), when it was
 * unsatisfiable (416), or when the chunk it reaches was refused as corrupt. One 416 is no failure:
 * `bytes=<size>-`, which `curl -C -` sends for a file it already has whole.
 */

export type ResumeOutcome = 'resumed' | 'restarted' | 'unsatisfiable' | 'complete' | 'corrupt';

/** The outcome of a ranged request, or null when the request carried no Range (not a resume). */
export function resumeOutcome(range: string | null | undefined, answer: RangeDecision | 'corrupt', size: number): ResumeOutcome | null {
  if (range === null || range === undefined) return null;
  if (answer === 'corrupt') return 'corrupt';
  if (answer.status === 206) return 'resumed';
  if (answer.status === 200) return 'restarted';
  const from = /^\s*bytes\s*=\s*(\d+)\s*-\s*$/i.exec(range);
  return from !== null && Number(from[1]) === size ? 'complete' : 'unsatisfiable';
}

const OUTCOME_COUNTER: Record<ResumeOutcome, ExportServingCounter | null> = {
  resumed: 'resumed',
  restarted: 'resume_restarted',
  unsatisfiable: 'resume_unsatisfiable',
  corrupt: 'resume_corrupt',
  complete: null,
};

export type ServingIncrements = Partial<Record<ExportServingCounter, number>>;

/** The counters one request adds to: bytes it was answered with, its resume outcome, a corrupt refusal. */
export function servingIncrements(event: { bytes: number; outcome: ResumeOutcome | null; corrupt: boolean }): ServingIncrements {
  const out: ServingIncrements = {};
  if (event.bytes > 0) out.served_bytes = event.bytes;
  const counter = event.outcome === null ? null : OUTCOME_COUNTER[event.outcome];
  if (counter !== null) out[counter] = 1;
  if (event.corrupt) out.corrupt_refusals = 1;
  return out;
}
