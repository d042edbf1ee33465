/**
 * The lines of an `extractive-summary` export, read from the origin's `Documents` operation.
 *
 *   documentSource({ originUrl, signingKey, pageSize?, fetch? }) → DocumentSource
 *     .lines(exp)                   → LineSource   the build job's `lines` (cursor: DocumentCursor)
 *     .piiReport(exp)               → PiiReport    findings by type and action over the documents read
 *     .manifestSource(exp, chunks)  → { operation, snapshot }   the manifest's `source`
 *   DOCUMENTS_QUERY, documentsOperationIdOf()      the operation's text and safelist id (its SHA-256)
 *   EXPORT_READER_SUBJECT                          the `sub` of the tokens it mints ("export-builder")
 *   OriginRefusedError                             the origin refused for good (an ExportSourceError: the export fails)
 *   OriginUnavailableError                         no usable answer this time (the build counts an attempt, retries)
 *   judgeOriginAnswer(answer), judgeNoAnswer(err)  which of the two an answer is (origin-answer.ts, pure)
 */
export {
  DEFAULT_DOCUMENTS_PAGE_SIZE,
  DEFAULT_ORIGIN_TIMEOUT_MS,
  DOCUMENTS_QUERY,
  documentSource,
  documentsOperationIdOf,
  EXPORT_READER_SUBJECT,
  OriginRefusedError,
  OriginUnavailableError,
  type DocumentSource,
  type DocumentSourceOptions,
} from './documents.ts';
export { judgeNoAnswer, judgeOriginAnswer, TRANSIENT_GRAPHQL_CODES, type OriginAnswer, type OriginFailure, type OriginVerdict } from './origin-answer.ts';
export { cursorAfterLine, DocumentCursorSchema, pageRequestSize, parseDocumentCursor, type DocumentCursor } from './cursor.ts';
