import { splitSentences } from './sentences.ts';
import { textRank, topK, words } from './textrank.ts';

/** The document fields a summary reads (the origin's `Document` has more). */
export interface SourceDocument {
  id: string;
  body: string;
}

/** One extracted sentence with its provenance: `body.slice(start, end) === text`, always. */
export interface SummarySentence {
  docId: string;
  start: number;
  end: number;
  text: string;
}

export const DEFAULT_SUMMARY_SENTENCES = 3;

/** The document's top sentences by TextRank, verbatim, in document order. */
export function summarise(doc: SourceDocument, options: { maxSentences?: number } = {}): SummarySentence[] {
  const sentences = splitSentences(doc.body);
  const scores = textRank(sentences.map((s) => words(s.text)));
  return topK(scores, options.maxSentences ?? DEFAULT_SUMMARY_SENTENCES).map((i) => {
    const { start, end, text } = sentences[i]!;
    return { docId: doc.id, start, end, text };
  });
}
