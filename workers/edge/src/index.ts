import { ErrorCode } from '@conductor/sdk';
import { edgeContext } from './context.ts';
import { handleGraphQL } from './graphql/handle-graphql.ts';
import { errorResponse, toErrorResponse } from './http/errors.ts';
import { observed } from './metrics/observe.ts';
import { handlePurge } from './purge/hook.ts';

export { TenantGenerations } from './generations/tenant-generations.ts';

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const { pathname } = new URL(request.url);
    try {
      if (pathname === '/graphql') {
        const cx = edgeContext(env, ctx);
        return await observed(cx, (trace) => handleGraphQL(request, cx, request.cf?.colo, trace));
      }
      if (pathname === '/__edge/purge') {
        if (request.method !== 'POST') return errorResponse(405, ErrorCode.METHOD_NOT_ALLOWED, 'use POST', { allow: 'POST' });
        return await handlePurge(request, edgeContext(env, ctx));
      }
      if (pathname === '/__edge/health' && request.method === 'GET') {
        // Readiness, not just liveness: 200 once a config is loaded, 503 CONFIG_UNAVAILABLE before.
        const cx = edgeContext(env, ctx);
        const index = await cx.config.get(cx.waitUntil);
        return Response.json({ status: 'ok', configVersion: index.version }, { headers: { 'cache-control': 'no-store' } });
      }
      return errorResponse(404, ErrorCode.NOT_FOUND, `no route for ${request.method} ${pathname}`);
    } catch (err) {
      return toErrorResponse(err);
    }
  },
} satisfies ExportedHandler<Env>;
