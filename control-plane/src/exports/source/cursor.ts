import { z } from 'zod';
import { ExportSourceError } from '../build/pack.ts';

/*
 * Where the document line source stands, as stored in export_chunks.cursor (docs/adr/0015: the
 * resume point is a source cursor plus a byte offset). It names the NEXT line to read:
 *
 * - `after`: the origin's cursor the current page was fetched with (the previous page's
 *   `endCursor`; null for the first page). The origin's cursors are opaque, so a position inside
 *   a page is kept beside it rather than derived from it;
 * - `seen`: documents in the pages before this one, so `maxDocuments` holds across restarts;
 * - `doc`, `line`: the document's position in the page and the line's position among that
 *   document's lines (a document gives several lines, and a chunk may end between two of them);
 * - `snapshot`: the corpus the origin reported. A restart refuses a page from another snapshot,
 *   since the stored chunks could no longer be continued byte for byte; the last chunk's cursor is
 *   also where publication reads the snapshot the manifest names.
 */
export const DocumentCursorSchema = z.strictObject({
  snapshot: z.string().min(1).max(200),
  after: z.string().min(1).nullable(),
  seen: z.number().int().min(0),
  doc: z.number().int().min(0),
  line: z.number().int().min(0),
});
export type DocumentCursor = z.infer<typeof DocumentCursorSchema>;

/** A stored cursor, or ExportSourceError: a cursor this source did not write cannot be resumed. */
export function parseDocumentCursor(value: unknown): DocumentCursor {
  const parsed = DocumentCursorSchema.safeParse(value);
  if (!parsed.success) throw new ExportSourceError(`not a document cursor: ${JSON.stringify(value)}`);
  return parsed.data;
}

/** How many documents to ask for next: a page, cut to what `maxDocuments` leaves (0: stop). */
export function pageRequestSize(seen: number, pageSize: number, maxDocuments: number | null): number {
  return maxDocuments == null ? pageSize : Math.max(0, Math.min(pageSize, maxDocuments - seen));
}

/**
 * The cursor after line `line` of document `doc` of a page of `pageLength` documents: the next
 * line of the same document, else the first line of the next document, else the start of the next
 * page (fetched with `endCursor`). A document's last line always moves on to the next document,
 * so a cursor never points past a document's lines.
 */
export function cursorAfterLine(
  at: { snapshot: string; after: string | null; seen: number; doc: number },
  line: number,
  linesInDoc: number,
  page: { length: number; endCursor: string | null },
): DocumentCursor {
  if (line + 1 < linesInDoc) return { ...at, line: line + 1 };
  return cursorAfterDocument(at, page);
}

export function cursorAfterDocument(at: { snapshot: string; after: string | null; seen: number; doc: number }, page: { length: number; endCursor: string | null }): DocumentCursor {
  if (at.doc + 1 < page.length) return { ...at, doc: at.doc + 1, line: 0 };
  return { snapshot: at.snapshot, after: page.endCursor, seen: at.seen + page.length, doc: 0, line: 0 };
}
