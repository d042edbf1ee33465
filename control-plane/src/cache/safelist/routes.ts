import { createRoute, z } from '@hono/zod-openapi';
import {
  CreateOperationSchema,
  OperationIdSchema,
  OperationManifestSchema,
  PublishResultSchema,
  SafelistEntrySchema,
  UpdateOperationSchema,
} from '@conductor/schema/contracts/cache-admin';
import { ErrorCode } from '@conductor/sdk';
import { PLATFORM } from '../../auth/cedar.ts';
import { authorize } from '../../auth/middleware.ts';
import { ApiError } from '../../http/errors.ts';
import { errorResponses, jsonBody, bearerSecurity } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { publishManifest } from './manifest.ts';
import { getOperation, listOperations } from './queries.ts';
import { createOperation, normaliseId, patchOperation, removeOperation, toEntry } from './service.ts';

/*
 * POST /v1/safelist/manifest has its own body limit (applied in app.ts): a manifest holds up to
 * 5,000 operations (OperationManifestSchema), each with its full printed document, fragments
 * included. A real client's persisted-query map (Artsy's Relay app, 27 operations sampled) runs
 * about 1.2 KB per operation as escaped JSON, plus about 150 bytes of id, name and type per entry:
 * about 6.5 MiB at 5,000 operations. 16 MiB leaves room for documents 2.5 times as large.
 */
export const SAFELIST_MANIFEST_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const SAFELIST_MANIFEST_PATH = '/v1/safelist/manifest';

const idParams = z.object({ id: OperationIdSchema });
const tags = ['safelist'];

export const routes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listSafelistedOperations',
      tags,
      security: bearerSecurity,
      summary: 'Every safelisted operation (all versions of every name)',
      responses: {
        200: { description: 'Safelist', content: { 'application/json': { schema: z.object({ operations: z.array(SafelistEntrySchema) }) } } },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => {
      await authorize(c, 'read', PLATFORM);
      return c.json({ operations: (await listOperations(c.var.deps.db)).map(toEntry) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/manifest',
      operationId: 'publishSafelistManifest',
      tags,
      security: bearerSecurity,
      summary: "Publish an Apollo persisted-query manifest: all operations or none, idempotent",
      description:
        'Every id must be the sha256 of its body (400 PERSISTED_QUERY_HASH_MISMATCH) and every body must parse (400 GRAPHQL_PARSE_FAILED). ' +
        'Operations without a TTL/scope in the request keep their current one; new operations default to TTL 0 (safelisted, not cached) and tenant scope.',
      request: { body: jsonBody(OperationManifestSchema) },
      responses: {
        200: { description: 'What changed', content: { 'application/json': { schema: PublishResultSchema } } },
        ...errorResponses(400, 401, 403, 404, 409, 413),
      },
    }),
    async (c) => {
      await authorize(c, 'write', PLATFORM);
      return c.json(await publishManifest(c.var.deps.db, c.var.principal.sub, c.req.valid('json')), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getSafelistedOperation',
      tags,
      security: bearerSecurity,
      summary: 'One safelisted operation by document id',
      request: { params: idParams },
      responses: {
        200: { description: 'Operation', content: { 'application/json': { schema: SafelistEntrySchema } } },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      await authorize(c, 'read', PLATFORM);
      const id = normaliseId(c.req.valid('param').id);
      const row = await getOperation(c.var.deps.db, id);
      if (!row) throw new ApiError(404, ErrorCode.NOT_FOUND, `operation ${id} is not safelisted`);
      return c.json(toEntry(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'createSafelistedOperation',
      tags,
      security: bearerSecurity,
      summary: 'Safelist one document (its id is computed by the server)',
      request: { body: jsonBody(CreateOperationSchema) },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: SafelistEntrySchema } } },
        ...errorResponses(400, 401, 403, 409, 413),
      },
    }),
    async (c) => {
      await authorize(c, 'write', PLATFORM);
      return c.json(await createOperation(c.var.deps.db, c.var.principal.sub, c.req.valid('json')), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      operationId: 'updateSafelistedOperation',
      tags,
      security: bearerSecurity,
      summary: 'Change the TTL, scope or (for an anonymous operation) the name',
      request: { params: idParams, body: jsonBody(UpdateOperationSchema) },
      responses: {
        200: { description: 'Updated', content: { 'application/json': { schema: SafelistEntrySchema } } },
        ...errorResponses(400, 401, 403, 404, 409, 413),
      },
    }),
    async (c) => {
      await authorize(c, 'write', PLATFORM);
      const id = normaliseId(c.req.valid('param').id);
      return c.json(await patchOperation(c.var.deps.db, c.var.principal.sub, id, c.req.valid('json')), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      operationId: 'deleteSafelistedOperation',
      tags,
      security: bearerSecurity,
      summary: 'Remove a document (409 if it is the last version of a name the invalidation map uses)',
      request: { params: idParams },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      await authorize(c, 'write', PLATFORM);
      await removeOperation(c.var.deps.db, c.var.principal.sub, normaliseId(c.req.valid('param').id));
      return c.body(null, 204);
    },
  );
