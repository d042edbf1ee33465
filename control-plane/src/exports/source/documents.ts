import type { JWK } from 'jose';
import { z } from 'zod';
import { mintToken } from '@conductor/schema/auth/tokens';
import { sha256Hex } from '../build/build.ts';
import { ExportSourceError, type JsonValue, type LineSource, type SourceLine } from '../build/pack.ts';
import { emptyPiiReport, mergePiiReports, type PiiReport } from '../pii/index.ts';
import { buildLines } from '../summary/index.ts';
import type { ExportChunkRow, ExportRow } from '../queries.ts';
import { cursorAfterLine, pageRequestSize, parseDocumentCursor, type DocumentCursor } from './cursor.ts';
import { judgeNoAnswer, judgeOriginAnswer, type OriginFailure } from './origin-answer.ts';

/*
 * The lines of an `extractive-summary` export, read from the origin's safelisted `Documents`
 * operation page by page (examples/origin/persisted-operations.json), summarised and PII-scanned
 * per document (summary/lines.ts), one JSONL line per summary sentence.
 *
 * Direct to the origin, not through the edge: the edge never caches `documents` (raw text with
 * personal data is answered no-store), so going through it would add a hop and a cache lookup
 * that always misses, and the control plane already holds the key the origin trusts.
 *
 * The origin authenticates a Conductor JWT against the control plane's JWKS, so the source mints a
 * short-lived one for the export's tenant with the control plane's own signing key. Its subject is
 * `export-builder`: the claims refuse the `automation:` prefix, which is kept for principals that
 * never come from a token (auth/principal.ts). It carries no scope, role or clearance: the origin
 * serves `documents` to any token of the tenant.
 */

/** The `Documents` operation's text; its id is the SHA-256 of this text, as the safelist names it. */
export const DOCUMENTS_QUERY =
  'query Documents($after: String, $first: Int) { documents(after: $after, first: $first) { nodes { id title body updatedAt } pageInfo { endCursor hasNextPage } totalCount snapshot } }';

let documentsOperationId: Promise<string> | undefined;
/** The operation the manifest's `source.operation` names: its safelist id. */
export function documentsOperationIdOf(): Promise<string> {
  return (documentsOperationId ??= sha256Hex(new TextEncoder().encode(DOCUMENTS_QUERY)));
}

/** The token's subject when the control plane reads an origin for an export. */
export const EXPORT_READER_SUBJECT = 'export-builder';
const TOKEN_TTL_S = 300;
// A token is minted again once this old, well before it expires mid-request.
const TOKEN_REUSE_S = 120;

export const DEFAULT_DOCUMENTS_PAGE_SIZE = 100;
export const DEFAULT_ORIGIN_TIMEOUT_MS = 30_000;

/**
 * The origin refused the `Documents` request and would refuse it again (origin-answer.ts): the
 * build job fails the export at once, with this message as its `failure`.
 */
export class OriginRefusedError extends ExportSourceError {
  constructor(message: string) {
    super(message);
    this.name = 'OriginRefusedError';
  }
}

/**
 * No usable answer from the origin this time (unreachable, timed out, 5xx, 429): the build job
 * counts an attempt and retries, and fails the export when the attempts run out.
 */
export class OriginUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OriginUnavailableError';
  }
}

export interface DocumentSourceOptions {
  /**
   * The origin's base URL (GraphQL at `/graphql`), from configuration (ORIGIN_URL). A function is
   * asked again for every page: a stack that starts the origin after the control plane, on a port
   * chosen then, passes one.
   */
  originUrl: string | (() => string);
  /** The control plane's current private signing key (its kid is in the JWKS the origin trusts). */
  signingKey: JWK;
  /** Documents per request; at most the origin's 200. */
  pageSize?: number;
  fetch?: typeof fetch;
  /** How long one page request may take before it counts as a transient failure; default 30 s. */
  timeoutMs?: number;
}

const PageSchema = z.object({
  data: z.object({
    documents: z.object({
      nodes: z.array(z.object({ id: z.string(), body: z.string() })),
      pageInfo: z.object({ endCursor: z.string().nullable(), hasNextPage: z.boolean() }),
      snapshot: z.string().min(1),
    }),
  }),
});
type Page = z.infer<typeof PageSchema>['data']['documents'];

export interface DocumentSource {
  /** The build job's `lines`: an export's lines, restartable at any cursor it handed out. */
  lines(exp: ExportRow): LineSource<JsonValue>;
  /**
   * The export's PII report (findings by type and action over every document read). Kept from the
   * build when this process read the whole export in one pass; otherwise the documents are read
   * and summarised again, without writing anything, since a resumed build only saw part of them.
   */
  piiReport(exp: ExportRow): Promise<PiiReport>;
  /** The manifest's `source`: the operation id and the corpus snapshot the stored chunks were read from. */
  manifestSource(exp: ExportRow, chunks: readonly ExportChunkRow[]): Promise<{ operation: string; snapshot: string }>;
}

export function documentSource(opts: DocumentSourceOptions): DocumentSource {
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const pageSize = opts.pageSize ?? DEFAULT_DOCUMENTS_PAGE_SIZE;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_ORIGIN_TIMEOUT_MS;
  const endpointOf = () => new URL('/graphql', typeof opts.originUrl === 'string' ? opts.originUrl : opts.originUrl()).toString();
  const tokens = new Map<string, { token: string; at: number }>();
  // Reports of whole passes (read from the start to the end), until publication takes them.
  const completeReports = new Map<string, PiiReport>();

  async function tokenFor(tenant: string): Promise<string> {
    const now = Date.now() / 1000;
    const held = tokens.get(tenant);
    if (held && now - held.at < TOKEN_REUSE_S) return held.token;
    const token = await mintToken(opts.signingKey, { tenant, sub: EXPORT_READER_SUBJECT, ttl: TOKEN_TTL_S });
    tokens.set(tenant, { token, at: now });
    return token;
  }

  async function fetchPage(tenant: string, after: string | null, first: number): Promise<Page> {
    const endpoint = endpointOf();
    const failureOf = (verdict: OriginFailure) =>
      verdict.kind === 'permanent'
        ? new OriginRefusedError(`origin ${endpoint} refused Documents: ${verdict.reason}`)
        : new OriginUnavailableError(`origin ${endpoint} failed Documents: ${verdict.reason}`);
    const authorization = `Bearer ${await tokenFor(tenant)}`;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
        body: JSON.stringify({ operationName: 'Documents', query: DOCUMENTS_QUERY, variables: { after, first } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw failureOf(judgeNoAnswer(err));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = PageSchema.safeParse(body);
    const verdict = judgeOriginAnswer({ status: res.status, body, isPage: parsed.success });
    if (verdict.kind !== 'ok') throw failureOf(verdict);
    return parsed.data!.data.documents;
  }

  /** Every (line, cursor after it) from `from` on, with the report of the documents started here. */
  async function* read(exp: ExportRow, from: DocumentCursor | null, report: PiiReport): AsyncGenerator<SourceLine<DocumentCursor>> {
    let after = from?.after ?? null;
    let seen = from?.seen ?? 0;
    let skipDocs = from?.doc ?? 0;
    let skipLines = from?.line ?? 0;
    let snapshot = from?.snapshot;
    for (;;) {
      const first = pageRequestSize(seen, pageSize, exp.maxDocuments);
      if (first === 0) break;
      const page = await fetchPage(exp.tenantId, after, first);
      if (snapshot !== undefined && page.snapshot !== snapshot) {
        throw new ExportSourceError(`the origin now serves corpus ${page.snapshot}, but the stored chunks were read from ${snapshot}`);
      }
      snapshot = page.snapshot;
      if (skipDocs > 0 && skipDocs >= page.nodes.length) throw new ExportSourceError(`the page after ${after} has ${page.nodes.length} documents, fewer than the cursor's ${skipDocs + 1}`);
      for (let doc = skipDocs; doc < page.nodes.length; doc++) {
        const { lines, report: docReport } = buildLines(page.nodes[doc]!, { redact: exp.redact });
        const firstLine = doc === skipDocs ? skipLines : 0;
        if (firstLine > 0 && firstLine >= lines.length) throw new ExportSourceError(`document ${page.nodes[doc]!.id} has ${lines.length} lines, fewer than the cursor's ${firstLine + 1}`);
        // A document is counted by the pass that starts it, so a resume inside one does not count it twice.
        if (firstLine === 0) Object.assign(report, mergePiiReports(report, docReport));
        const at = { snapshot, after, seen, doc };
        for (let line = firstLine; line < lines.length; line++) {
          yield { line: JSON.stringify(lines[line]), cursorAfter: cursorAfterLine(at, line, lines.length, { length: page.nodes.length, endCursor: page.pageInfo.endCursor }) };
        }
      }
      seen += page.nodes.length;
      skipDocs = 0;
      skipLines = 0;
      if (!page.pageInfo.hasNextPage || page.nodes.length === 0) break;
      after = page.pageInfo.endCursor;
    }
  }

  return {
    lines(exp) {
      const source: LineSource<DocumentCursor> = async function* (cursor) {
        const from = cursor === null ? null : parseDocumentCursor(cursor);
        const report = emptyPiiReport();
        completeReports.delete(exp.exportId);
        yield* read(exp, from, report);
        if (from === null) completeReports.set(exp.exportId, report);
      };
      return source as unknown as LineSource<JsonValue>;
    },
    async piiReport(exp) {
      const kept = completeReports.get(exp.exportId);
      if (kept) {
        completeReports.delete(exp.exportId);
        return kept;
      }
      const report = emptyPiiReport();
      for await (const _ of read(exp, null, report));
      return report;
    },
    async manifestSource(exp, chunks) {
      const operation = await documentsOperationIdOf();
      const last = chunks.at(-1);
      if (last?.cursor != null) return { operation, snapshot: parseDocumentCursor(last.cursor).snapshot };
      // No line at all (nothing survived the scan): the corpus is whatever the origin serves now.
      const page = await fetchPage(exp.tenantId, null, 0);
      return { operation, snapshot: page.snapshot };
    },
  };
}
