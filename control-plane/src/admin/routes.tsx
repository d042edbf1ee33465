/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../http/env.ts';
import { apiClient, type ApiProblem, type InProcessApi } from './api.ts';
import { Layout, type NavItem } from './components/layout.tsx';
import { Problem } from './components/messages.tsx';
import { devKeyFor, mintDevAdminToken } from './dev-mode.ts';
import { DOWNLOADS } from './downloads.ts';
import type { Page, PageContext } from './page.ts';
import { PAGES } from './pages/index.ts';
import {
  csrfToken,
  endSession,
  readSelectedTenant,
  readSession,
  safeNext,
  sameOriginPost,
  sameText,
  selectTenant,
  setFlash,
  startSession,
  takeFlash,
  verifyToken,
  type Session,
} from './session.ts';
import { SignInPage } from './sign-in.tsx';
import { ADMIN_CSS } from './static/admin-css.ts';
import { ADMIN_JS } from './static/admin-js.ts';

type C = Context<AppEnv>;

const href = (path: string) => (path === '/' ? '/admin' : `/admin${path}`);

function navItems(): NavItem[] {
  return PAGES.filter((p) => p.nav).map((p) => ({ href: href(p.path), label: p.nav! }));
}

/** The path the nav highlights: the page's own path with its parameters filled in. */
function currentNav(c: C): string {
  const path = c.req.path.replace(/\/+$/, '') || '/admin';
  const items = navItems().map((n) => n.href);
  return items.filter((h) => path === h || (h !== '/admin' && path.startsWith(`${h}/`))).sort((a, b) => b.length - a.length)[0] ?? path;
}

function redirectToSignIn(c: C, reason?: string): Response {
  // An expired or foreign token is of no further use: drop it with the redirect.
  if (reason) endSession(c);
  const next = c.req.method === 'GET' ? c.req.path + (new URL(c.req.url).search || '') : '/admin';
  const q = new URLSearchParams({ next });
  if (reason) q.set('reason', reason);
  return c.redirect(`/admin/sign-in?${q.toString()}`, 303);
}

function crossSitePage(c: C): Response | Promise<Response> {
  return c.html(
    <Layout title="Form not accepted">
      <div class="notice error" role="alert">
        <p>
          <strong>This form submission was refused</strong>: it did not come from a page of this admin UI, or the page was from an earlier sign-in.
          Go back, reload the page and try again.
        </p>
      </div>
    </Layout>,
    403,
  );
}

async function pageContext(c: C, api: InProcessApi, session: Session): Promise<PageContext> {
  const client = apiClient(api, session.token);
  const listed = await client.get<{ tenants: { id: string }[] }>('/v1/tenants');
  const tenants = listed.ok ? listed.data.tenants.map((t) => t.id) : [];
  const home = session.claims.tenant;
  const selected = readSelectedTenant(c);
  const tenant = selected && tenants.includes(selected) ? selected : tenants.includes(home) || tenants.length === 0 ? home : tenants[0]!;
  return {
    c,
    claims: session.claims,
    tenant,
    tenants,
    api: client,
    params: c.req.param() as Record<string, string>,
    query: new URL(c.req.url).searchParams,
    csrf: await csrfToken(session.token),
    status: 200,
  };
}

async function renderPage(c: C, page: Page, ctx: PageContext, extra?: Child): Promise<Response> {
  const body = await page.render(ctx);
  const title = typeof page.title === 'function' ? page.title(ctx) : page.title;
  return c.html(
    <Layout
      title={title}
      nav={navItems()}
      current={currentNav(c)}
      flash={takeFlash(c)}
      user={{ claims: ctx.claims, tenant: ctx.tenant, tenants: ctx.tenants, csrf: ctx.csrf, path: c.req.path }}
    >
      {extra}
      {body}
    </Layout>,
    ctx.status as 200,
  );
}

/** A form post must come from our own origin and carry this session's CSRF token. */
async function checkForm(c: C, session: Session | undefined, form: FormData): Promise<boolean> {
  if (!sameOriginPost(c)) return false;
  if (!session) return true;
  const sent = form.get('_csrf');
  return typeof sent === 'string' && sameText(sent, await csrfToken(session.token));
}

async function readForm(c: C): Promise<FormData | undefined> {
  try {
    return await c.req.formData();
  } catch {
    return undefined;
  }
}

/**
 * /admin: server-rendered pages over the control plane's own API. `api` is the app itself
 * (its `request`), so each page's reads and writes are ordinary, authorized API calls.
 */
export function createAdminRoutes(api: InProcessApi): Hono<AppEnv> {
  const router = new Hono<AppEnv>();

  router.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
      crossOriginResourcePolicy: 'same-origin',
    }),
  );
  router.use('*', async (c, next) => {
    await next();
    if (!c.req.path.startsWith('/admin/static/')) c.header('cache-control', 'no-store');
  });

  router.get('/static/admin.css', (c) => c.body(ADMIN_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' }));
  router.get('/static/admin.js', (c) => c.body(ADMIN_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }));

  // ---- sign-in / sign-out -------------------------------------------------------------------
  const signInPage = (c: C, status: 200 | 400 | 401 | 403, message?: { kind: 'ok' | 'error'; text: string }) => {
    const q = new URL(c.req.url).searchParams;
    const reason = q.get('reason');
    const flash = takeFlash(c);
    const note =
      message ??
      (reason === 'expired'
        ? { kind: 'error' as const, text: 'Your session expired. Sign in again.' }
        : reason === 'invalid'
          ? { kind: 'error' as const, text: 'Your session is no longer valid. Sign in again.' }
          : flash
            ? { kind: 'ok' as const, text: flash }
            : undefined);
    return c.html(<SignInPage next={safeNext(q.get('next') ?? undefined)} devSignIn={devKeyFor(c.var.deps, c.req) !== undefined} note={note} />, status);
  };

  router.get('/sign-in', (c) => signInPage(c, 200));

  router.post('/sign-in', async (c) => {
    const form = await readForm(c);
    if (!form || !(await checkForm(c, undefined, form))) return crossSitePage(c);
    const token = String(form.get('token') ?? '').trim().replace(/^Bearer\s+/i, '');
    if (!token) return signInPage(c, 400, { kind: 'error', text: 'Paste a token to sign in.' });
    const checked = await verifyToken(c.var.deps.publicJwks, token);
    if (!checked.ok) {
      const text =
        checked.reason === 'expired' ? 'That token has expired. Mint a new one and try again.' : 'That token was not accepted: it is not a valid Conductor token for this control plane.';
      return signInPage(c, 401, { kind: 'error', text });
    }
    startSession(c, checked.session);
    return c.redirect(safeNext(String(form.get('next') ?? '')), 303);
  });

  router.post('/sign-in/dev', async (c) => {
    const key = devKeyFor(c.var.deps, c.req);
    if (!key) return c.html(<Layout title="Not available">{<p>Development sign-in is not available on this control plane.</p>}</Layout>, 404);
    const form = await readForm(c);
    if (!form || !(await checkForm(c, undefined, form))) return crossSitePage(c);
    // Which tenants exist is asked of the API like everything else, with a short-lived token.
    const listed = await apiClient(api, await mintDevAdminToken(key, [])).get<{ tenants: { id: string }[] }>('/v1/tenants');
    const token = await mintDevAdminToken(key, listed.ok ? listed.data.tenants.map((t) => t.id) : []);
    const checked = await verifyToken(c.var.deps.publicJwks, token);
    if (!checked.ok) return signInPage(c, 401, { kind: 'error', text: 'The development key does not match the keys this control plane trusts.' });
    startSession(c, checked.session);
    return c.redirect(safeNext(String(form.get('next') ?? '')), 303);
  });

  router.post('/sign-out', async (c) => {
    const form = await readForm(c);
    const session = await readSession(c);
    if (!form || !(await checkForm(c, session.ok ? session.session : undefined, form))) return crossSitePage(c);
    endSession(c);
    setFlash(c, 'You are signed out.');
    return c.redirect('/admin/sign-in', 303);
  });

  // ---- tenant switcher ----------------------------------------------------------------------
  router.post('/tenant', async (c) => {
    const session = await readSession(c);
    if (!session.ok) return redirectToSignIn(c, session.reason === 'missing' ? undefined : session.reason);
    const form = await readForm(c);
    if (!form || !(await checkForm(c, session.session, form))) return crossSitePage(c);
    const ctx = await pageContext(c, api, session.session);
    const wanted = String(form.get('tenant') ?? '');
    const next = safeNext(String(form.get('next') ?? ''));
    // Only a tenant the API lists for this token can be picked; the API still checks every call.
    if (!ctx.tenants.includes(wanted)) {
      return c.html(
        <Layout title="Tenant not available" nav={navItems()} user={{ claims: ctx.claims, tenant: ctx.tenant, tenants: ctx.tenants, csrf: ctx.csrf, path: next }}>
          <Problem problem={{ status: 403, code: 'FORBIDDEN', message: 'the tenant is not one your token may read', unavailable: false }} what={`switch to that tenant`} />
        </Layout>,
        403,
      );
    }
    selectTenant(c, wanted);
    setFlash(c, `Now working in tenant ${wanted}.`);
    return c.redirect(next, 303);
  });

  // ---- downloads ----------------------------------------------------------------------------
  router.get('/download/:name', async (c) => {
    const session = await readSession(c);
    if (!session.ok) return redirectToSignIn(c, session.reason === 'missing' ? undefined : session.reason);
    const download = DOWNLOADS[c.req.param('name')];
    if (!download) return c.html(<Layout title="Not found"><p>No such download.</p></Layout>, 404);
    const ctx = await pageContext(c, api, session.session);
    const request = download.apiRequest ? await download.apiRequest(ctx) : undefined;
    const res = request ? await ctx.api.raw(request.path, 'POST', request.body) : await ctx.api.raw(download.apiPath!(ctx.query, ctx.tenant));
    if (!res.ok) {
      const problem = await problemOf(res);
      ctx.status = res.status;
      return c.html(
        <Layout title="Download failed" nav={navItems()} user={{ claims: ctx.claims, tenant: ctx.tenant, tenants: ctx.tenants, csrf: ctx.csrf, path: c.req.path }}>
          <Problem problem={problem} what={download.what} />
        </Layout>,
        res.status as 403,
      );
    }
    return new Response(res.body, {
      status: 200,
      headers: {
        'content-type': res.headers.get('content-type') ?? 'application/octet-stream',
        'content-disposition': `attachment; filename="${download.filename}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  });

  // ---- registered pages ---------------------------------------------------------------------
  for (const page of PAGES) {
    const path = page.path;
    router.get(path, async (c) => {
      const session = await readSession(c);
      if (!session.ok) return redirectToSignIn(c, session.reason === 'missing' ? undefined : session.reason);
      return renderPage(c, page, await pageContext(c, api, session.session));
    });
    if (page.fragment) {
      const fragment = page.fragment;
      router.get(`${path === '/' ? '' : path}/fragment`, async (c) => {
        const session = await readSession(c);
        if (!session.ok) return c.html(<p role="alert">Your session ended. Reload the page to sign in again.</p>, 401);
        const ctx = await pageContext(c, api, session.session);
        const body = await fragment(ctx);
        return c.html(<>{body}</>, ctx.status as 200);
      });
    }
    if (page.actions) {
      const actions = page.actions;
      router.post(path, async (c) => {
        const session = await readSession(c);
        if (!session.ok) return redirectToSignIn(c, session.reason === 'missing' ? undefined : session.reason);
        const form = await readForm(c);
        if (!form || !(await checkForm(c, session.session, form))) return crossSitePage(c);
        const ctx = await pageContext(c, api, session.session);
        const action = actions[String(form.get('_action') ?? '')];
        if (!action) {
          ctx.status = 400;
          return renderPage(c, page, ctx, <Problem problem={{ status: 400, code: 'BAD_REQUEST', message: 'unknown form action', unavailable: false }} what="do that" />);
        }
        const outcome = await action.run(ctx, form);
        if (outcome.ok && 'show' in outcome) {
          ctx.submitted = form;
          return renderPage(c, page, ctx, outcome.show);
        }
        if (outcome.ok) {
          setFlash(c, outcome.message);
          return c.redirect(outcome.redirect ?? c.req.path + (new URL(c.req.url).search || ''), 303);
        }
        // The page again, with the API's refusal on top and its status (403 for a forbidden action).
        ctx.status = outcome.status;
        ctx.submitted = form;
        return renderPage(c, page, ctx, <Problem problem={outcome} what={action.label} />);
      });
    }
  }

  router.get('*', (c) => c.html(<Layout title="Page not found" nav={navItems()}><p>There is no admin page at this address. <a href="/admin">Go to the overview</a>.</p></Layout>, 404));
  return router;
}

async function problemOf(res: Response): Promise<ApiProblem> {
  let body: { error?: { code?: string; message?: string } } | undefined;
  try {
    body = (await res.json()) as typeof body;
  } catch {
    body = undefined;
  }
  const message = body?.error?.message ?? res.statusText ?? 'request failed';
  return {
    status: res.status,
    code: body?.error?.code ?? `HTTP_${res.status}`,
    message,
    unavailable: (res.status === 404 && message.startsWith('no route for ')) || res.status === 501,
  };
}
