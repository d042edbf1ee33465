import { describe, expect, it } from 'vitest';
import { judgeNoAnswer, judgeOriginAnswer } from './origin-answer.ts';

const page = { data: { documents: { nodes: [], pageInfo: { endCursor: null, hasNextPage: false }, totalCount: 0, snapshot: 's' } } };
const errors = (...list: Array<{ message: string; extensions?: Record<string, unknown> }>) => ({ data: null, errors: list });

describe('judgeOriginAnswer', () => {
  it('accepts a 200 page', () => {
    expect(judgeOriginAnswer({ status: 200, body: page, isPage: true })).toEqual({ kind: 'ok' });
  });

  it('retries what the server, not the request, failed: 5xx, 408, 425, 429 and 401, with their errors in the reason', () => {
    for (const status of [500, 502, 503, 504, 599, 408, 425, 429, 401]) {
      expect(judgeOriginAnswer({ status, body: undefined, isPage: false }), String(status)).toEqual({ kind: 'transient', reason: `HTTP ${status}` });
    }
    expect(judgeOriginAnswer({ status: 503, body: errors({ message: 'down', extensions: { code: 'ORIGIN_UNAVAILABLE' } }), isPage: false })).toEqual({
      kind: 'transient',
      reason: 'HTTP 503: ORIGIN_UNAVAILABLE: down',
    });
    // The origin's own 401 body (examples/origin/src/auth.ts) is no GraphQL errors list.
    expect(judgeOriginAnswer({ status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'invalid token' } }, isPage: false })).toMatchObject({ kind: 'transient' });
  });

  it('fails for good on any other 4xx', () => {
    for (const status of [400, 403, 404, 405, 406, 409, 410, 413, 415, 422]) {
      expect(judgeOriginAnswer({ status, body: undefined, isPage: false }).kind, String(status)).toBe('permanent');
    }
    expect(judgeOriginAnswer({ status: 404, body: errors({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }), isPage: false })).toEqual({
      kind: 'permanent',
      reason: 'HTTP 404: PERSISTED_QUERY_NOT_FOUND: PersistedQueryNotFound',
    });
    expect(judgeOriginAnswer({ status: 403, body: { error: { code: 'FORBIDDEN', message: 'no' } }, isPage: false })).toEqual({ kind: 'permanent', reason: 'HTTP 403' });
    // A redirect fetch did not follow is no page either.
    expect(judgeOriginAnswer({ status: 304, body: undefined, isPage: false }).kind).toBe('permanent');
  });

  it('fails for good on GraphQL errors in a 200 unless every one names a server failure', () => {
    expect(judgeOriginAnswer({ status: 200, body: errors({ message: 'first must be an integer from 0 to 200', extensions: { code: 'BAD_USER_INPUT' } }), isPage: false })).toEqual({
      kind: 'permanent',
      reason: 'BAD_USER_INPUT: first must be an integer from 0 to 200',
    });
    for (const code of ['FORBIDDEN', 'PERSISTED_QUERY_NOT_FOUND', 'GRAPHQL_VALIDATION_FAILED', 'NOT_FOUND', 'UNKNOWN_TENANT']) {
      expect(judgeOriginAnswer({ status: 200, body: errors({ message: 'm', extensions: { code } }), isPage: false }).kind, code).toBe('permanent');
    }
    // A resolver that threw a GraphQLError without a code did so on purpose.
    expect(judgeOriginAnswer({ status: 200, body: errors({ message: 'no documents for you' }), isPage: false })).toEqual({ kind: 'permanent', reason: 'no documents for you' });

    for (const code of ['INTERNAL_SERVER_ERROR', 'INTERNAL', 'SERVICE_UNAVAILABLE', 'ORIGIN_TIMEOUT', 'RATE_LIMITED', 'UNAUTHENTICATED', 'TOKEN_EXPIRED']) {
      expect(judgeOriginAnswer({ status: 200, body: errors({ message: 'm', extensions: { code } }), isPage: false }).kind, code).toBe('transient');
    }
    // graphql-yoga's mask of an unexpected resolver error.
    expect(judgeOriginAnswer({ status: 200, body: errors({ message: 'Unexpected error.', extensions: { unexpected: true } }), isPage: false }).kind).toBe('transient');
    // One refusal among server failures: asking again would be refused again.
    const mixed = errors({ message: 'a', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, { message: 'b', extensions: { code: 'FORBIDDEN' } });
    expect(judgeOriginAnswer({ status: 200, body: mixed, isPage: false })).toEqual({ kind: 'permanent', reason: 'INTERNAL_SERVER_ERROR: a; FORBIDDEN: b' });
  });

  it('retries a 200 body that is not JSON, and fails for good on JSON that is not a page', () => {
    expect(judgeOriginAnswer({ status: 200, body: undefined, isPage: false })).toEqual({ kind: 'transient', reason: 'HTTP 200 with a body that is not JSON' });
    expect(judgeOriginAnswer({ status: 200, body: { data: { documents: null } }, isPage: false })).toEqual({ kind: 'permanent', reason: 'HTTP 200 with JSON that is not a Documents page' });
  });
});

describe('judgeNoAnswer', () => {
  it('retries a request that got no answer, naming the socket error', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    expect(judgeNoAnswer(refused)).toEqual({ kind: 'transient', reason: 'no answer: fetch failed (ECONNREFUSED)' });
    expect(judgeNoAnswer(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toEqual({ kind: 'transient', reason: 'no answer: The operation was aborted due to timeout' });
    expect(judgeNoAnswer('boom')).toEqual({ kind: 'transient', reason: 'no answer: boom' });
  });
});
