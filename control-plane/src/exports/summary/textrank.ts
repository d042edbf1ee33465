/**
 * TextRank for sentence extraction (Mihalcea & Tarau, "TextRank: Bringing Order into Texts",
 * EMNLP 2004, §4.1). Sentences are vertices; the edge between two sentences weighs their content
 * overlap, the number of words they share normalised by their lengths:
 *
 *   Similarity(Si, Sj) = |{w : w ∈ Si and w ∈ Sj}| / (log|Si| + log|Sj|)
 *
 * and scores follow the paper's weighted PageRank on the undirected graph:
 *
 *   WS(Vi) = (1 − d) + d · Σ_{Vj ∈ In(Vi)} ( w_ji / Σ_{Vk ∈ Out(Vj)} w_jk ) · WS(Vj)
 *
 * with d = 0.85, every score starting at 1, updated all at once from the previous iteration's scores
 * (so the result does not depend on visiting order) until no score moves by more than the tolerance.
 */
export const DAMPING = 0.85;
/** Tighter than the paper's 1e-4 so that scores match the closed-form fixed point to five places. */
export const TOLERANCE = 1e-6;
export const MAX_ITERATIONS = 200;

/** Lower-cased runs of letters and digits: the "words" of the similarity. */
export function words(sentence: string): string[] {
  return sentence.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The paper's similarity; 0 when either sentence is empty or both are one word (log 1 + log 1 = 0). */
export function similarity(a: readonly string[], b: readonly string[]): number {
  const denominator = Math.log(a.length) + Math.log(b.length);
  if (a.length === 0 || b.length === 0 || denominator === 0) return 0;
  const inB = new Set(b);
  let shared = 0;
  for (const w of new Set(a)) if (inB.has(w)) shared++;
  return shared / denominator;
}

/** Scores for sentences given as word lists, in input order. */
export function textRank(sentences: readonly (readonly string[])[]): number[] {
  const n = sentences.length;
  const weights = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const w = similarity(sentences[i]!, sentences[j]!);
      weights[i]![j] = w;
      weights[j]![i] = w;
    }
  }
  const outSum = weights.map((row) => row.reduce((s, w) => s + w, 0));
  let scores = new Float64Array(n).fill(1);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const next = new Float64Array(n);
    let moved = 0;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const w = weights[j]![i]!;
        if (w > 0) sum += (w / outSum[j]!) * scores[j]!;
      }
      next[i] = 1 - DAMPING + DAMPING * sum;
      moved = Math.max(moved, Math.abs(next[i]! - scores[i]!));
    }
    scores = next;
    if (moved <= TOLERANCE) break;
  }
  return [...scores];
}

/**
 * Indices of the `k` best sentences, in document order. Scores are compared rounded to 1e-9, so
 * sentences whose scores differ only by floating-point noise tie, and a tie goes to the earlier one.
 */
export function topK(scores: readonly number[], k: number): number[] {
  const key = (s: number) => Math.round(s * 1e9);
  return scores
    .map((score, index) => ({ score: key(score), index }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, Math.max(0, k))
    .map((s) => s.index)
    .sort((a, b) => a - b);
}
