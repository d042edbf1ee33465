/**
 * The lines of an `extractive-summary` export, read from the origin's `Documents` operation.
 *
 *   documentSource({ originUrl, signingKey, pageSize?, fetch? }) → DocumentSource
 *     .lines(exp)                   → LineSource   the build job's `lines` (cursor: DocumentCursor)
 *     .piiReport(exp)               → PiiReport    findings by type and action over the documents read
 *     .manifestSource(exp, chunks)  → { operation, snapshot }   the manifest's `source`
 *   DOCUMENTS_QUERY, documentsOperationIdOf()      the operation's text and safelist id (its SHA-256)
 *   EXPORT_READER_SUBJECT                          the `sub` of the tokens it mints ("export-builder")
 */
export { DEFAULT_DOCUMENTS_PAGE_SIZE, DOCUMENTS_QUERY, documentSource, documentsOperationIdOf, EXPORT_READER_SUBJECT, type DocumentSource, type DocumentSourceOptions } from './documents.ts';
export { cursorAfterLine, DocumentCursorSchema, pageRequestSize, parseDocumentCursor, type DocumentCursor } from './cursor.ts';
