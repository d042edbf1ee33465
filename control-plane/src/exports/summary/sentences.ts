import { split } from 'sentence-splitter';

/** A sentence of a text: `text.slice(start, end) === sentence.text`, surrounding whitespace excluded. */
export interface SentenceSpan {
  start: number;
  end: number;
  text: string;
}

// sentence-splitter reads any "<digits>." word as a list index ("1. First"), never as a sentence
// end, so "after day 17. The desk…" would stay one sentence. A number, a period, whitespace and a
// capital letter is a boundary here.
const NUMBER_THEN_SENTENCE = /(?<=\d\.)\s+(?=\p{Lu})/gu;

/**
 * Sentences with their character offsets, from textlint's sentence-splitter (which knows
 * abbreviations such as "Dr." and decimals, and reports each node's `range`), refined at
 * NUMBER_THEN_SENTENCE. The text is always re-sliced from the source here, so the offsets hold by
 * construction whatever the splitter's nodes contain; whitespace at either end is trimmed off.
 */
export function splitSentences(text: string): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  const push = (from: number, to: number) => {
    let start = from;
    let end = to;
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (start < end) out.push({ start, end, text: text.slice(start, end) });
  };
  for (const node of split(text)) {
    if (node.type !== 'Sentence') continue;
    const [start, end] = node.range;
    let from = start;
    for (const gap of text.slice(start, end).matchAll(NUMBER_THEN_SENTENCE)) {
      push(from, start + gap.index);
      from = start + gap.index + gap[0].length;
    }
    push(from, end);
  }
  return out;
}
