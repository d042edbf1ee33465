import type { Context } from 'hono';
import type { AppEnv } from '../http/env.ts';

/** What every resolver gets: the request's Hono context (deps, verified principal). A type, not an interface, so it is a record graphql-http accepts as context. */
export type GraphqlContext = {
  hono: Context<AppEnv>;
};
