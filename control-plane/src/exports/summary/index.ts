export { splitSentences } from './sentences.ts';
export type { SentenceSpan } from './sentences.ts';
export { DAMPING, MAX_ITERATIONS, similarity, textRank, TOLERANCE, topK, words } from './textrank.ts';
export { DEFAULT_SUMMARY_SENTENCES, summarise } from './summarise.ts';
export type { SourceDocument, SummarySentence } from './summarise.ts';
export { buildLines, expectedText } from './lines.ts';
export type { BuildLinesOptions, ExportLine, Redaction } from './lines.ts';
