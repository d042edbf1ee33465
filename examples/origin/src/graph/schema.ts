// createGraphQLError, not `new GraphQLError`: it builds the error from the same graphql module
// instance Yoga uses, so Yoga recognises it as a client error instead of masking it.
import type { GraphQLResolveInfo } from 'graphql';
import { createGraphQLError, createSchema } from 'graphql-yoga';
import { documentsPage, InvalidPageError } from '../corpus/page.ts';
import type { OriginContext } from './context.ts';
import { InvalidInputError, NotFoundError, type GraphStore } from './store.ts';

export const typeDefs = /* GraphQL */ `
  type Entity {
    id: ID!
    name: String!
    kind: String!
    updatedAt: String!
  }

  type Relationship {
    id: ID!
    from: ID!
    to: ID!
    kind: String!
  }

  type Viewer {
    sub: String!
    tenant: String!
  }

  "One of the tenant's investigation documents (src/corpus: generated from a seed, with planted PII)."
  type Document {
    id: ID!
    title: String!
    body: String!
    updatedAt: String!
  }

  type PageInfo {
    "Pass as \`after\` for the next page; null on an empty first page."
    endCursor: String
    hasNextPage: Boolean!
  }

  type DocumentPage {
    nodes: [Document!]!
    pageInfo: PageInfo!
    totalCount: Int!
    "The corpus version and seed the pages come from."
    snapshot: String!
  }

  type Query {
    entity(id: ID!): Entity
    "Default 20, at most 100."
    entities(limit: Int): [Entity!]!
    relationships(entityId: ID!): [Relationship!]!
    "Per-user: a response that selects it is private, no-store."
    viewer: Viewer!
    "The tenant's documents in id order. first: default 50, at most 200. Raw source with PII: always no-store."
    documents(after: String, first: Int): DocumentPage!
  }

  type Mutation {
    updateEntity(id: ID!, name: String!): Entity!
    linkEntities(from: ID!, to: ID!, kind: String!): Relationship!
  }
`;

export interface SchemaDeps {
  store: GraphStore;
  /** The corpus behind `documents`: its seed and size per tenant (defaults in src/corpus/generate.ts). */
  corpus?: { seed?: number; total?: number };
  /**
   * Runs after a successful write, before the mutation answers, so a later read is fresh.
   * `responseKey` names the root field in the answer (alias or name): with the edge's forwarded
   * purge id it makes the field's purge id.
   */
  afterWrite(context: OriginContext, op: string, variables: Record<string, unknown>, responseKey: string): Promise<void>;
}

export function createOriginSchema({ store, afterWrite, corpus = {} }: SchemaDeps) {
  const graphOf = (ctx: OriginContext) => store.tenant(ctx.claims.tenant);

  return createSchema<OriginContext>({
    typeDefs,
    resolvers: {
      Query: {
        entity: (_: unknown, { id }: { id: string }, ctx: OriginContext) => {
          const entity = graphOf(ctx).entity(id);
          if (!entity) throw createGraphQLError(`entity ${id} does not exist`, { extensions: { code: 'NOT_FOUND' } });
          return entity;
        },
        entities: (_: unknown, { limit }: { limit?: number | null }, ctx: OriginContext) =>
          guard(() => graphOf(ctx).list(limit ?? undefined)),
        relationships: (_: unknown, { entityId }: { entityId: string }, ctx: OriginContext) => graphOf(ctx).relationshipsOf(entityId),
        viewer: (_: unknown, _args: unknown, ctx: OriginContext) => {
          ctx.state.private = true;
          return { sub: ctx.claims.sub, tenant: ctx.claims.tenant };
        },
        documents: (_: unknown, args: { after?: string | null; first?: number | null }, ctx: OriginContext) => {
          // Raw documents carry personal data; a shared copy at the edge would be one more place it
          // lives, outside any export's PII scan. Exports read each page once, so no hit is lost.
          ctx.state.noStore = true;
          return guard(() => documentsPage(ctx.claims.tenant, args, corpus));
        },
      },
      Mutation: {
        updateEntity: async (_: unknown, args: { id: string; name: string }, ctx: OriginContext, info: GraphQLResolveInfo) => {
          const entity = guard(() => graphOf(ctx).updateEntity(args.id, args.name));
          await afterWrite(ctx, 'updateEntity', { ...args }, String(info.path.key));
          return entity;
        },
        linkEntities: async (_: unknown, args: { from: string; to: string; kind: string }, ctx: OriginContext, info: GraphQLResolveInfo) => {
          const relationship = guard(() => graphOf(ctx).link(args.from, args.to, args.kind));
          await afterWrite(ctx, 'linkEntities', { ...args }, String(info.path.key));
          return relationship;
        },
      },
    },
  });
}

// Store errors are the client's fault: surface them as GraphQL errors instead of Yoga's masked 500-style message.
function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof NotFoundError) throw createGraphQLError(err.message, { extensions: { code: 'NOT_FOUND' } });
    if (err instanceof InvalidInputError || err instanceof InvalidPageError) throw createGraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
    throw err;
  }
}
