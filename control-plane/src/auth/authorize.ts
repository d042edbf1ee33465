import { ErrorCode } from '@conductor/sdk';
import { ApiError } from '../http/errors.ts';
import { evaluate, notesOf, permitsThatCouldApply, type Action, type ContextArgs, type ResourceFor } from './cedar.ts';
import { denialMessage } from './explain.ts';
import type { Principal } from './principal.ts';

/**
 * Cedar decides; a denial is 403 FORBIDDEN explained by the policies themselves (explain.ts).
 * Routes call it through `authorize(c, …)`; code acting on its own (scheduler jobs, AIOps actions)
 * calls it with `automation(name)` as the principal.
 */
export function authorizeAs<A extends Action>(principal: Principal, action: A, resource: ResourceFor<A>, ...context: ContextArgs<A>): void {
  const decision = evaluate(principal, action, resource, ...context);
  if (decision.allowed) return;
  const why =
    decision.determining.length > 0 ? { forbids: notesOf(decision.determining) } : { permits: permitsThatCouldApply(principal, action, resource, ...context) };
  throw new ApiError(403, ErrorCode.FORBIDDEN, denialMessage(action, resource, why));
}
