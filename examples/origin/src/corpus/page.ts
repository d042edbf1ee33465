import { corpusSnapshot, CORPUS_VERSION, DEFAULT_CORPUS_SEED, DOCUMENTS_PER_TENANT, generateDocument, type CorpusDocument } from './generate.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface DocumentPage {
  nodes: CorpusDocument[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  totalCount: number;
  /** The corpus these pages come from; an export records it as its source. */
  snapshot: string;
}

export class InvalidPageError extends Error {}

/**
 * Opaque to clients; inside, the corpus version and the index of the last document served, so a
 * cursor from another corpus version is refused rather than silently reinterpreted.
 */
export function encodeCursor(index: number): string {
  return btoa(`${CORPUS_VERSION}:${index}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(cursor: string): number {
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    throw new InvalidPageError('after is not a cursor this corpus issued');
  }
  const match = /^(.+):(\d{1,9})$/.exec(text);
  if (!match || match[1] !== CORPUS_VERSION) throw new InvalidPageError('after is not a cursor this corpus issued');
  return Number(match[2]);
}

export function documentsPage(
  tenant: string,
  { after, first }: { after?: string | null; first?: number | null },
  options: { seed?: number; total?: number } = {},
): DocumentPage {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) throw new InvalidPageError(`first must be an integer from 0 to ${MAX_PAGE_SIZE}`);
  const total = options.total ?? DOCUMENTS_PER_TENANT;
  const seed = options.seed ?? DEFAULT_CORPUS_SEED;
  // Documents are numbered from 1; a cursor names the last one served.
  const from = after == null ? 1 : decodeCursor(after) + 1;
  const to = Math.min(total, from + size - 1);
  const nodes: CorpusDocument[] = [];
  for (let i = from; i <= to; i++) {
    const { id, title, body, updatedAt } = generateDocument(tenant, i, seed);
    nodes.push({ id, title, body, updatedAt });
  }
  return {
    nodes,
    pageInfo: { endCursor: nodes.length > 0 ? encodeCursor(to) : (after ?? null), hasNextPage: to < total },
    totalCount: total,
    snapshot: corpusSnapshot(seed),
  };
}
