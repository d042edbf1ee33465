import { AUTOMATION_ACTOR_PREFIX, type Claims } from '@conductor/schema/contracts/auth';

/**
 * Who did something, as the audit log records it and Cedar compares it (`principal.actor`,
 * `context.requestedBy`): a person's token subject ("user:admin@acme"), or "automation:<name>"
 * for code acting on its own. Every service takes its actor in this form (docs/adr/0007).
 */
export type Actor = string;

/**
 * Code acting on its own behalf: a scheduler job or an AIOps action. It is a Cedar principal of
 * its own type (`Automation`), so policies grant it only what background work needs; it never
 * comes from a request, only from `automation(name)` in code.
 */
export interface Automation {
  readonly automation: string;
}

/** Whoever asks Cedar: a person (a verified token's claims) or automation. */
export type Principal = Claims | Automation;

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The principal a job or automatic action authorises and audits as, e.g. `automation('metrics-retention')`. */
export function automation(name: string): Automation {
  if (!NAME.test(name)) throw new Error(`automation name "${name}": lowercase letters, digits, dashes (max 63)`);
  return { automation: name };
}

export function isAutomation(principal: Principal): principal is Automation {
  return 'automation' in principal;
}

export function actorOf(principal: Principal): Actor {
  return isAutomation(principal) ? `${AUTOMATION_ACTOR_PREFIX}${principal.automation}` : principal.sub;
}
