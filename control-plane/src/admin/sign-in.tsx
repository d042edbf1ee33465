/** @jsxImportSource hono/jsx */
import { Layout } from './components/layout.tsx';

export interface SignInProps {
  next: string;
  devSignIn: boolean;
  note?: { kind: 'ok' | 'error'; text: string } | undefined;
}

/** Paste a Conductor JWT; in development also mint a platform-admin token from the dev key. */
export function SignInPage({ next, devSignIn, note }: SignInProps) {
  return (
    <Layout title="Sign in">
      {note && (
        <p class={`notice ${note.kind}`} role={note.kind === 'error' ? 'alert' : 'status'}>
          {note.text}
        </p>
      )}
      <form method="post" action="/admin/sign-in">
        <input type="hidden" name="next" value={next} />
        <div class="field">
          <label for="token">Access token (JWT)</label>
          <textarea id="token" name="token" required autocomplete="off" spellcheck={false} aria-describedby="token-hint"></textarea>
          <span class="hint" id="token-hint">
            A token signed by this control plane's key, e.g. from <code>npx conductor token --tenant acme --scopes admin.write</code>. It is kept
            in an HttpOnly cookie for this admin UI only.
          </span>
        </div>
        <button type="submit">Sign in with token</button>
      </form>
      {devSignIn && (
        <section aria-labelledby="dev-heading">
          <h2 id="dev-heading">Development</h2>
          <p>This control plane runs with the local development key, so it can mint you a platform-admin token (8 hours, every tenant).</p>
          <form method="post" action="/admin/sign-in/dev">
            <input type="hidden" name="next" value={next} />
            <button type="submit" class="secondary">
              Sign in as development platform admin
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}
