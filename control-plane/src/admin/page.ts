import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Claims } from '@conductor/schema/contracts/auth';
import type { AppEnv } from '../http/env.ts';
import type { ApiClient, ApiProblem } from './api.ts';

/** What a page sees: the signed-in user, the selected tenant and the API bound to their token. */
export interface PageContext {
  c: Context<AppEnv>;
  claims: Claims;
  /** The tenant picked in the switcher (always one the API lets this user read), else the home tenant. */
  tenant: string;
  /** Tenants this user may read, as GET /v1/tenants answers. */
  tenants: string[];
  api: ApiClient;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Hidden field value every form post must carry. */
  csrf: string;
  /** HTTP status of the rendered page; pages lower it to 403 when the API refused the main read. */
  status: number;
  /** The form of a failed action, so the page can show what the user typed instead of the stored values. */
  submitted?: FormData;
}

/** What the user just submitted for `name` (after a failed action), else the stored value. */
export function fieldValue(ctx: PageContext, name: string, stored: string | number | null | undefined): string {
  const sent = ctx.submitted?.get(name);
  if (typeof sent === 'string') return sent;
  return stored === null || stored === undefined ? '' : String(stored);
}

export type ActionOutcome =
  | { ok: true; message: string; redirect?: string }
  /** An answer that changed nothing (a preview): shown on the page itself, with the submitted form kept. */
  | { ok: true; show: Child }
  | ({ ok: false } & ApiProblem);

export interface PageAction {
  /** Completes "You are not allowed to …" when the API answers 403, e.g. "change an operation's TTL". */
  label: string;
  run(ctx: PageContext, form: FormData): Promise<ActionOutcome>;
}

/**
 * One admin page. Add a page by writing one file that exports a Page and listing it in
 * pages/index.ts; the router serves GET `/admin${path}` and, for forms, POST `/admin${path}` with
 * a `_action` field naming one of `actions`.
 */
export interface Page {
  /** Hono path under /admin: '/', '/catalog', '/catalog/:service'. */
  path: string;
  title: string | ((ctx: PageContext) => string);
  /** Label in the navigation; omit for pages reached from other pages (edit forms). */
  nav?: string;
  render(ctx: PageContext): Promise<Child> | Child;
  actions?: Record<string, PageAction>;
  /** Optional partial for progressive enhancement: GET `/admin${path}/fragment` returns this HTML alone. */
  fragment?(ctx: PageContext): Promise<Child> | Child;
}
