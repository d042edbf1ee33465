import { OpenAPIHono } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { ErrorCode } from '@conductor/sdk';
import type { AppEnv } from './env.ts';
import { ApiError } from './errors.ts';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Parses a JSON body up front so a syntax error is BAD_JSON rather than the validator's generic 400.
 * Hono caches the body, so route validators read it again without touching the stream. The app
 * installs this once, after the body limit, for every router.
 */
export const parseJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && JSON_MEDIA_TYPE.test(mediaType)) {
    const text = await c.req.text();
    // Some clients label a bodiless DELETE as JSON; only methods that carry a body must have one.
    if (text.trim() === '') {
      if (BODY_METHODS.has(c.req.method)) throw new ApiError(400, ErrorCode.BAD_JSON, 'request body is empty; expected JSON');
    } else {
      try {
        JSON.parse(text);
      } catch {
        throw new ApiError(400, ErrorCode.BAD_JSON, 'request body is not valid JSON');
      }
    }
  }
  await next();
});

/** Every domain router is built here, so validation failures read the same everywhere. */
export function createRouter(): OpenAPIHono<AppEnv> {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const detail = result.error.issues
          .map((issue) => `${[result.target, ...issue.path.map(String)].join('.')}: ${issue.message}`)
          .join('; ');
        throw new ApiError(400, ErrorCode.VALIDATION_FAILED, detail);
      }
    },
  });
  return router;
}
