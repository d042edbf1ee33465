import { Hono, type Context } from 'hono';
import { GraphQLError, parse, validate, type ExecutionResult } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/fetch';
import { ErrorCode } from '@conductor/sdk';
import { requireAuth } from '../auth/middleware.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import type { GraphqlContext } from './context.ts';
import { MAX_TOKENS, QueryLimitsRule } from './limits.ts';
import { adminSchema } from './schema.ts';

/*
 * /graphql: the admin GraphQL endpoint, served by graphql-http, the reference implementation of
 * GraphQL over HTTP (so the protocol — methods, media types, status codes, GET for queries, no
 * mutations over GET — is the library's, checked by its serverAudits in graphql.test.ts). What is
 * ours: the bearer JWT in front (401, GraphQL-style), the depth and cost limits as validation
 * rules, and every error's `extensions.code` from @conductor/sdk (sdk/src/contracts/errors.ts).
 *
 * Request errors (a body that is not JSON, no query, a document that does not parse or validate,
 * variables that do not coerce) are 400 for clients that accept application/graphql-response+json
 * (Apollo Client, graphql-request, …), and 200 with only `errors` for application/json-only
 * clients, as the spec has it for that legacy media type (docs/adr/0011-http-conformance-graphql-http-and-body-limits.md).
 */

const GRAPHQL_MEDIA_TYPE = 'application/graphql-response+json';

// The REST API's validation code reads as the conventional GraphQL one here.
const CODE_FOR_GRAPHQL: Partial<Record<string, string>> = { [ErrorCode.VALIDATION_FAILED]: ErrorCode.BAD_USER_INPUT };

// graphql-http's request parser throws plain Errors with these messages; the rest are BAD_REQUEST.
const PARSER_CODES: Record<string, ErrorCode> = { 'Unparsable JSON body': ErrorCode.BAD_JSON };

// Statuses graphql-http answers without a body; ours carry a GraphQL-style error all the same.
const BODILESS: Record<number, { code: ErrorCode; message: string }> = {
  405: { code: ErrorCode.METHOD_NOT_ALLOWED, message: 'the admin GraphQL endpoint takes POST, or GET for queries' },
  406: { code: ErrorCode.BAD_REQUEST, message: `accept ${GRAPHQL_MEDIA_TYPE} or application/json` },
  415: { code: ErrorCode.BAD_REQUEST, message: 'send the request as application/json' },
};

const requestError = (status: 401 | 405 | 406 | 415, code: string, message: string, headers?: Headers) =>
  Response.json({ errors: [{ message, extensions: { code } }] }, { status, headers });

/** The same error, with a code of ours in its extensions (its message and location kept). */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/**
 * An error for the client: our own errors keep their code; an error graphql-js raised before
 * execution (no path: variables, operation name) is the caller's input, one during it (e.g. a null
 * for a non-null field) is ours; anything else is an opaque INTERNAL, logged.
 */
function formatError(error: Error, requestId: string): GraphQLError {
  if (!(error instanceof GraphQLError)) {
    // Thrown by graphql-http's request parser: the HTTP request itself is malformed.
    return new GraphQLError(error.message, { extensions: { code: PARSER_CODES[error.message] ?? ErrorCode.BAD_REQUEST, requestId } });
  }
  const original = error.originalError;
  const executing = error.path !== undefined;
  const located = { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path };
  if (original instanceof ApiError) {
    return new GraphQLError(original.message, { ...located, extensions: { code: CODE_FOR_GRAPHQL[original.code] ?? original.code, requestId } });
  }
  // A resolver's own GraphQLError (BAD_USER_INPUT) arrives wrapped with the field's path.
  if (original instanceof GraphQLError) {
    return new GraphQLError(error.message, { ...located, extensions: { code: executing ? ErrorCode.INTERNAL : ErrorCode.BAD_USER_INPUT, ...original.extensions, requestId } });
  }
  if (original || (executing && !error.extensions.code)) {
    console.error(`[control-plane] ${requestId} graphql execution error`, original ?? error);
    return new GraphQLError('internal error', { ...located, extensions: { code: ErrorCode.INTERNAL, requestId } });
  }
  return new GraphQLError(error.message, { ...located, extensions: { code: ErrorCode.BAD_USER_INPUT, ...error.extensions, requestId } });
}

async function handle(c: Context<AppEnv>): Promise<Response> {
  try {
    await requireAuth(c, async () => {});
  } catch (err) {
    if (err instanceof ApiError) return requestError(401, err.code, err.message);
    throw err;
  }
  let failedBeforeExecution = false;
  const handler = createHandler<GraphqlContext>({
    schema: adminSchema,
    context: { hono: c },
    parse: (source, options) => {
      try {
        return parse(source, { ...options, maxTokens: MAX_TOKENS });
      } catch (err) {
        throw err instanceof GraphQLError ? withCode(err, ErrorCode.GRAPHQL_PARSE_FAILED) : err;
      }
    },
    validate: (...args) => validate(...args).map((e) => (e.extensions.code ? e : withCode(e, ErrorCode.GRAPHQL_VALIDATION_FAILED))),
    validationRules: [QueryLimitsRule],
    onOperation: (_req, _args, result: ExecutionResult) => {
      failedBeforeExecution = !('data' in result) || result.data === undefined;
    },
    formatError: (error) => formatError(error, c.var.requestId),
  });
  const res = await handler(c.req.raw);
  const bodiless = res.body === null ? BODILESS[res.status] : undefined;
  if (bodiless) return requestError(res.status as 405 | 406 | 415, bodiless.code, bodiless.message, res.headers);
  // graphql-http answers 200 to a result without `data` (variables that do not coerce); under
  // application/graphql-response+json that is a request error, which the spec makes a 4xx.
  if (failedBeforeExecution && res.status === 200 && res.headers.get('content-type')?.startsWith(GRAPHQL_MEDIA_TYPE)) {
    return new Response(res.body, { status: 400, headers: res.headers });
  }
  return res;
}

export const routes = new Hono<AppEnv>().all('/', handle);
