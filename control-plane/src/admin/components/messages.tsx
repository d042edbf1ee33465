/** @jsxImportSource hono/jsx */
import type { ApiProblem } from '../api.ts';

/** How an API refusal reads on a page. `what` completes "You are not allowed to …". */
export function Problem({ problem, what }: { problem: ApiProblem; what: string }) {
  if (problem.unavailable) return <NotAvailable what={what} />;
  if (problem.status === 403) {
    return (
      <div class="notice error" role="alert">
        <p>
          <strong>You are not allowed to {what}.</strong>
        </p>
        <p class="detail">The control plane said: {problem.message}</p>
      </div>
    );
  }
  if (problem.status === 401) {
    return (
      <div class="notice error" role="alert">
        <p>
          <strong>Your session is no longer valid.</strong> <a href="/admin/sign-in">Sign in again</a>.
        </p>
      </div>
    );
  }
  return (
    <div class="notice error" role="alert">
      <p>
        <strong>Could not {what}</strong> ({problem.status} {problem.code}).
      </p>
      <p class="detail">{problem.message}</p>
    </div>
  );
}

/** An endpoint this control plane does not serve (yet): say so rather than invent data. */
export function NotAvailable({ what }: { what: string }) {
  return (
    <div class="notice unavailable" role="status">
      <p>
        <strong>Not available:</strong> this control plane does not serve the API needed to {what}.
      </p>
    </div>
  );
}

export function Empty({ children }: { children: string }) {
  return <p class="empty">{children}</p>;
}
