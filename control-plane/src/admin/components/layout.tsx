/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { Claims } from '@conductor/schema/contracts/auth';

export interface NavItem {
  href: string;
  label: string;
}

export interface LayoutProps {
  title: string;
  nav?: NavItem[];
  current?: string;
  user?: { claims: Claims; tenant: string; tenants: string[]; csrf: string; path: string };
  flash?: string | undefined;
  children?: Child;
}

/** The page shell: skip link, banner with the user and tenant switcher, navigation, main, footer. */
export function Layout(props: LayoutProps) {
  const { title, nav = [], current, user, flash } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Conductor admin`}</title>
        <link rel="stylesheet" href="/admin/static/admin.css" />
        <script src="/admin/static/admin.js" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to main content
        </a>
        <header class="banner">
          <a class="brand" href="/admin">
            Conductor admin
          </a>
          {user && (
            <div class="who">
              <span>
                Signed in as <strong>{user.claims.sub}</strong>
                {user.claims.roles.length > 0 && <span class="roles"> ({user.claims.roles.join(', ')})</span>}
              </span>
              {user.tenants.length > 1 ? (
                <form method="post" action="/admin/tenant" class="tenant-switcher">
                  <input type="hidden" name="_csrf" value={user.csrf} />
                  <input type="hidden" name="next" value={user.path} />
                  <label for="tenant-select">Tenant</label>
                  <select id="tenant-select" name="tenant">
                    {user.tenants.map((t) => (
                      <option value={t} selected={t === user.tenant}>
                        {t}
                      </option>
                    ))}
                  </select>
                  <button type="submit">Switch</button>
                </form>
              ) : (
                <span>
                  Tenant <strong>{user.tenant}</strong>
                </span>
              )}
              <form method="post" action="/admin/sign-out">
                <input type="hidden" name="_csrf" value={user.csrf} />
                <button type="submit">Sign out</button>
              </form>
            </div>
          )}
        </header>
        {nav.length > 0 && (
          <nav aria-label="Admin sections" class="site-nav">
            <ul>
              {nav.map((item) => (
                <li>
                  <a href={item.href} aria-current={item.href === current ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <main id="main" tabindex={-1}>
          <h1>{title}</h1>
          {flash && (
            <p class="notice ok" role="status">
              {flash}
            </p>
          )}
          {props.children}
        </main>
        <footer class="site-footer">
          <p>
            Conductor control plane · <a href="/openapi.json">OpenAPI</a>
          </p>
        </footer>
      </body>
    </html>
  );
}
