import { defaultFieldResolver, getDirectiveValues, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { PLATFORM, type Action, type Resource } from '../auth/cedar.ts';
import { authorize } from '../auth/middleware.ts';
import type { GraphqlContext } from './context.ts';

/** SDL of the directive; `resource` defaults to PLATFORM so the seed's `@auth(abac: "admin.write")` reads as written. */
export const AUTH_DIRECTIVE_SDL = `
"""
Authorization decided by Cedar (policies/conductor.cedar) before the field resolves. \`abac\` is the
capability asked for: "admin.read" → Cedar action \`read\`, "admin.write" → \`write\`. \`resource\` says on
what: PLATFORM (shared configuration such as the catalog: writes need the platform-admin role too) or
TENANT (the field's \`tenant\` argument, else the caller's home tenant).
"""
directive @auth(abac: String!, resource: AuthResource = PLATFORM) on FIELD_DEFINITION

enum AuthResource {
  PLATFORM
  TENANT
}
`;

const ACTIONS: Record<string, Action> = { 'admin.read': 'read', 'admin.write': 'write' };

interface AuthRule {
  action: Action;
  resource: 'PLATFORM' | 'TENANT';
}

/**
 * Walks the schema and wraps the resolver of every field that carries @auth (read from the field's
 * SDL node, so the SDL is the one place that says what is guarded) with a Cedar check. An unknown
 * `abac` value fails at startup, not at request time. Returns the guarded "Type.field" names.
 */
export function applyAuthDirective(schema: GraphQLSchema): string[] {
  const directive = schema.getDirective('auth');
  if (!directive) throw new Error('schema does not declare @auth');
  const guarded: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.astNode) continue;
      const args = getDirectiveValues(directive, field.astNode) as { abac: string; resource: AuthRule['resource'] } | undefined;
      if (!args) continue;
      const action = ACTIONS[args.abac];
      if (!action) throw new Error(`${type.name}.${field.name}: @auth(abac: "${args.abac}") is not one of ${Object.keys(ACTIONS).join(', ')}`);
      field.resolve = guard({ action, resource: args.resource }, field.resolve ?? defaultFieldResolver);
      guarded.push(`${type.name}.${field.name}`);
    }
  }
  return guarded;
}

function guard(rule: AuthRule, resolve: GraphQLFieldResolver<unknown, GraphqlContext>): GraphQLFieldResolver<unknown, GraphqlContext> {
  return async (source, args: Record<string, unknown>, context, info) => {
    const resource: Resource =
      rule.resource === 'PLATFORM' ? PLATFORM : { type: 'Tenant', id: typeof args.tenant === 'string' ? args.tenant : context.hono.var.principal.tenant };
    // The same check REST routes make; its ApiError (403 FORBIDDEN, naming what is missing) becomes a GraphQL error.
    await authorize(context.hono, rule.action, resource);
    return resolve(source, args, context, info);
  };
}
