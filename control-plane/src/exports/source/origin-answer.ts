/*
 * What an origin's answer to the `Documents` operation means for the build that asked
 * (docs/adr/0018). Pure: the caller fetches, parses and throws (documents.ts); this module only
 * decides.
 *
 * - `transient`: asking again later may succeed. The build counts it as an attempt and retries; it
 *   fails the export once the attempts run out (build/job.ts), so an origin that never comes back
 *   still ends the build.
 * - `permanent`: the origin refused this request and would refuse it again (a bad argument, a
 *   forbidden tenant, an operation it does not know). The export fails at once with the reason.
 *
 * Transient: no answer at all (refused connection, reset, timeout), 408, 425, 429 and every 5xx,
 * and GraphQL errors whose code says the server, not the request, failed (graphql-yoga masks an
 * unexpected resolver error as INTERNAL_SERVER_ERROR with `unexpected: true`).
 *
 * 401 and the UNAUTHENTICATED/TOKEN_EXPIRED codes are transient too: the token is minted here a
 * moment before, and an origin refuses it mostly while its cached copy of the JWKS lacks a key
 * the control plane just rotated in (jose refetches the set on an unknown kid, at most every 30 s
 * by default). An origin that trusts another JWKS altogether still fails the export, after the
 * attempts.
 *
 * Every other 4xx, and every other GraphQL error (any code, or none: a resolver that threw a
 * GraphQLError on purpose), is permanent. So is a JSON answer that is neither errors nor a page:
 * the origin does not serve the operation the way the build reads it. A body that is not JSON at
 * all is transient: a proxy's error page or a cut connection, not the origin's word.
 */

export type OriginFailure = { kind: 'transient' | 'permanent'; reason: string };
export type OriginVerdict = { kind: 'ok' } | OriginFailure;

/** GraphQL error codes that name a failure of the server, not of the request. */
export const TRANSIENT_GRAPHQL_CODES: ReadonlySet<string> = new Set([
  'INTERNAL_SERVER_ERROR',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
  'ORIGIN_UNAVAILABLE',
  'ORIGIN_TIMEOUT',
  'TIMEOUT',
  'RATE_LIMITED',
  'TOO_MANY_REQUESTS',
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
]);

const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([401, 408, 425, 429]);

export interface OriginAnswer {
  status: number;
  /** The parsed body, or `undefined` when it was not JSON. */
  body: unknown;
  /** True when `body` has the page the build reads (documents.ts checks its shape). */
  isPage: boolean;
}

/** The verdict on an answer the origin gave. */
export function judgeOriginAnswer(answer: OriginAnswer): OriginVerdict {
  const { status, body } = answer;
  const errors = graphqlErrors(body);
  const detail = errors.length > 0 ? `: ${describeErrors(errors)}` : '';
  if (status >= 500 || TRANSIENT_STATUSES.has(status)) return { kind: 'transient', reason: `HTTP ${status}${detail}` };
  if (status < 200 || status >= 300) return { kind: 'permanent', reason: `HTTP ${status}${detail}` };
  if (errors.length > 0) {
    const transient = errors.every((e) => e.unexpected || (e.code !== undefined && TRANSIENT_GRAPHQL_CODES.has(e.code)));
    return { kind: transient ? 'transient' : 'permanent', reason: describeErrors(errors) };
  }
  if (answer.isPage) return { kind: 'ok' };
  if (body === undefined) return { kind: 'transient', reason: `HTTP ${status} with a body that is not JSON` };
  return { kind: 'permanent', reason: `HTTP ${status} with JSON that is not a Documents page` };
}

/** The verdict when no answer came: the request failed before a response (fetch threw). */
export function judgeNoAnswer(error: unknown): OriginFailure {
  return { kind: 'transient', reason: `no answer: ${describeFetchError(error)}` };
}

interface GraphqlErrorSummary {
  message: string;
  code?: string;
  unexpected: boolean;
}

function graphqlErrors(body: unknown): GraphqlErrorSummary[] {
  const errors = (body as { errors?: unknown } | null | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: unknown) => {
    const err = (e ?? {}) as { message?: unknown; extensions?: { code?: unknown; unexpected?: unknown } };
    const code = err.extensions?.code;
    return {
      message: typeof err.message === 'string' ? err.message : JSON.stringify(e),
      ...(typeof code === 'string' ? { code } : {}),
      unexpected: err.extensions?.unexpected === true,
    };
  });
}

function describeErrors(errors: GraphqlErrorSummary[]): string {
  return errors.map((e) => (e.code ? `${e.code}: ${e.message}` : e.message)).join('; ');
}

// Node's and workerd's fetch say "fetch failed" and keep the socket's error (ECONNREFUSED…) as the cause.
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : undefined;
  return causeText && !error.message.includes(causeText) ? `${error.message} (${causeText})` : error.message;
}
