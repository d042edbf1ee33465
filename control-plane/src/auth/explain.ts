import type { PolicyNote, Resource } from './cedar.ts';

/**
 * Why a request was denied, in words taken from the policies' `@advice` annotations only (the rule
 * is never restated here): the forbids that denied it, joined with "and" since each must be met;
 * else, for a default deny, the permits that could have allowed it, joined with "or". The ids
 * let an operator find the rule in policies/conductor.cedar.
 */
export function denialMessage(action: string, resource: Resource, why: { forbids: PolicyNote[] } | { permits: PolicyNote[] }): string {
  const target = resource.type === 'Tenant' ? `tenant "${resource.id}"` : resource.type === 'Export' ? `export "${resource.id}"` : 'the platform';
  const [notes, joiner] = 'forbids' in why ? [why.forbids, ' and '] : [why.permits, ' or '];
  const advised = notes.filter((n) => n.advice !== undefined);
  if (advised.length === 0) {
    return notes.length === 0
      ? `${action} on ${target} is not granted by any policy`
      : `${action} on ${target} is denied by ${cite(notes)}`;
  }
  const needs = [...new Set(advised.map((n) => n.advice))].join(joiner);
  return `${action} on ${target} requires ${needs} (${cite(advised)})`;
}

function cite(notes: PolicyNote[]): string {
  return `${notes.length === 1 ? 'policy' : 'policies'} ${notes.map((n) => n.id).join(', ')}`;
}
