import { Hono, type Context } from 'hono';
import { execute, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '@conductor/sdk';
import { requireAuth } from '../auth/middleware.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { QueryLimitsRule } from './limits.ts';
import { adminSchema } from './schema.ts';

/*
 * POST /graphql: the admin GraphQL endpoint (graphql-js, GraphQL over HTTP with JSON). Same bearer
 * JWT as the REST API. Request errors — body not JSON, no query, a document that does not parse
 * or validate (including the depth and cost limits), variables that do not coerce — are 400 with
 * GraphQL-style `errors`; a missing or bad token is 401. Once execution starts the answer is 200
 * with `data` and per-field `errors`, each with `extensions.code` from @conductor/sdk (sdk/src/contracts/errors.ts).
 */

const RULES = [...specifiedRules, QueryLimitsRule];

// The REST API's validation code reads as the conventional GraphQL one here.
const CODE_FOR_GRAPHQL: Partial<Record<string, string>> = { [ErrorCode.VALIDATION_FAILED]: ErrorCode.BAD_USER_INPUT };

function requestError(c: Context<AppEnv>, status: 400 | 401 | 405 | 415, code: string, message: string, extra: GraphQLFormattedError[] = []) {
  const errors = extra.length > 0 ? extra : [{ message, extensions: { code } }];
  return c.json({ errors }, status);
}

/**
 * An error for the client: our own errors keep their code; an error graphql-js raised itself is
 * the caller's input before execution (variables) and ours during it (e.g. a null for a non-null
 * field); anything else is an opaque INTERNAL, logged.
 */
function formatError(error: GraphQLError, requestId: string, executing: boolean): GraphQLFormattedError {
  const original = error.originalError;
  const at = { path: error.path, locations: error.locations };
  if (original instanceof ApiError) {
    return { message: original.message, ...at, extensions: { code: CODE_FOR_GRAPHQL[original.code] ?? original.code, requestId } };
  }
  // A resolver's own GraphQLError (BAD_USER_INPUT) arrives wrapped with the field's path.
  if (original instanceof GraphQLError) {
    return { message: error.message, ...at, extensions: { code: executing ? ErrorCode.INTERNAL : ErrorCode.BAD_USER_INPUT, ...original.extensions, requestId } };
  }
  if (original || (executing && !error.extensions?.code)) {
    console.error(`[control-plane] ${requestId} graphql execution error`, original ?? error);
    return { message: 'internal error', ...at, extensions: { code: ErrorCode.INTERNAL, requestId } };
  }
  const formatted = error.toJSON();
  return { ...formatted, extensions: { code: ErrorCode.BAD_USER_INPUT, ...formatted.extensions, requestId } };
}

interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

function readRequest(body: unknown): GraphqlRequest | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'request body must be a JSON object';
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') return 'missing "query": a GraphQL document as a string';
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return '"variables" must be an object';
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return '"operationName" must be a string';
  return { query, variables: (variables ?? undefined) as Record<string, unknown> | undefined, operationName: operationName ?? undefined };
}

export const routes = new Hono<AppEnv>().on(['GET', 'PUT', 'PATCH', 'DELETE'], '/', (c) =>
  requestError(c, 405, ErrorCode.METHOD_NOT_ALLOWED, 'the admin GraphQL endpoint takes POST with a JSON body'),
);

routes.post('/', async (c) => {
  try {
    await requireAuth(c, async () => {});
  } catch (err) {
    if (err instanceof ApiError) return requestError(c, 401, err.code, err.message);
    throw err;
  }
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') return requestError(c, 415, ErrorCode.BAD_REQUEST, 'send the request as application/json');
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return requestError(c, 400, ErrorCode.BAD_JSON, 'request body is not valid JSON');
  }
  const request = readRequest(body);
  if (typeof request === 'string') return requestError(c, 400, ErrorCode.BAD_REQUEST, request);

  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: 5_000 });
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return requestError(c, 400, ErrorCode.GRAPHQL_PARSE_FAILED, err.message, [{ message: err.message, locations: err.locations, extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED } }]);
  }
  const invalid = validate(adminSchema, document, RULES);
  if (invalid.length > 0) {
    return requestError(
      c,
      400,
      ErrorCode.GRAPHQL_VALIDATION_FAILED,
      '',
      invalid.map((e) => ({ message: e.message, locations: e.locations, extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED, ...e.extensions } })),
    );
  }
  const result = (await execute({
    schema: adminSchema,
    document,
    variableValues: request.variables,
    operationName: request.operationName,
    contextValue: { hono: c },
  })) as ExecutionResult;
  const requestId = c.var.requestId;
  // No `data` at all: the request failed before execution (variables, operation name) — a request error.
  const executing = 'data' in result && result.data !== undefined;
  const errors = result.errors?.map((e) => formatError(e, requestId, executing));
  if (!executing) return c.json({ errors }, 400);
  return c.json(errors ? { data: result.data, errors } : { data: result.data }, 200);
});
