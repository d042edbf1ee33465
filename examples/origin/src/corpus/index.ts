/**
 * The investigation corpus behind `documents(after, first)`. Other packages' tests import it to
 * know exactly what was planted (e.g. that no export line carries a planted value); production
 * code reads documents through GraphQL, never from here.
 */
export { corpusSnapshot, CORPUS_VERSION, DEFAULT_CORPUS_SEED, documentId, DOCUMENTS_PER_TENANT, generateDocument, PLANT_RATES } from './generate.ts';
export type { CorpusDocument, GeneratedDocument } from './generate.ts';
export { decodeCursor, DEFAULT_PAGE_SIZE, documentsPage, encodeCursor, InvalidPageError, MAX_PAGE_SIZE } from './page.ts';
export type { DocumentPage } from './page.ts';
export { PII_TYPES } from './pii.ts';
export type { PiiType, PlantedValue } from './pii.ts';
