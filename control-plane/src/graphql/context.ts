import type { Context } from 'hono';
import type { AppEnv } from '../http/env.ts';

/** What every resolver gets: the request's Hono context (deps, verified principal). */
export interface GraphqlContext {
  hono: Context<AppEnv>;
}
