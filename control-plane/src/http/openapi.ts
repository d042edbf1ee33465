import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ZodType } from 'zod';

/** OpenAPI shape of every error body (ErrorBody in @conductor/sdk). */
export const ErrorBodySchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), requestId: z.string().optional() }) })
  .openapi('Error');

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON (BAD_JSON) or invalid input (VALIDATION_FAILED)',
  401: 'Missing, invalid or expired token',
  403: 'Denied by policy',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body over the size limit',
  416: 'Range not satisfiable (RANGE_NOT_SATISFIABLE), with Content-Range: bytes */size',
  500: 'Internal error; EXPORT_CORRUPT when stored export data failed its integrity check',
  502: 'Upstream unavailable',
  503: 'Switched off (EXPORTS_DISABLED)',
};

/** `responses` entries for the error statuses a route can answer with. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: DESCRIPTIONS[status] ?? 'Error', content: { 'application/json': { schema: ErrorBodySchema } } }]),
  );
}

/** A required JSON request body. */
export function jsonBody<T extends ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

const BEARER_SCHEME = 'bearerAuth';
const SIGNATURE_SCHEME = 'conductorSignature';

/**
 * Registers the two security schemes: a Conductor JWT as a bearer token (auth/middleware.ts
 * requireAuth), and the HMAC signature that signed reports from origins carry instead.
 */
export function registerSecuritySchemes(registry: OpenAPIHono['openAPIRegistry']): void {
  registry.registerComponent('securitySchemes', BEARER_SCHEME, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  registry.registerComponent('securitySchemes', SIGNATURE_SCHEME, {
    type: 'apiKey',
    in: 'header',
    name: 'x-conductor-signature',
    description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body"> with the purge signing secret (sdk/src/core/webhook-signature.ts)',
  });
}

/** OpenAPI `security` of every route behind requireAuth. */
export const bearerSecurity = [{ [BEARER_SCHEME]: [] }];

/** OpenAPI `security` of a route whose only credential is the body's HMAC signature. */
export const signatureSecurity = [{ [SIGNATURE_SCHEME]: [] }];

/** OpenAPI `security` of a public route: stated as none, so an omission is never read as "public". */
export const publicSecurity = [];
