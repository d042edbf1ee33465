/*
 * Choosing and checking the one form a purge body takes, written once against any schema with
 * zod's `safeParse` result: the SDK and the control plane pass purge.ts's schemas, the edge its
 * zod/mini mirrors (docs/adr/0012). No zod import here, nor any from purge.ts, so the edge's bundle
 * stays without classic zod.
 */

interface FormSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** The four target forms, in this order: mutation, opId + varsHash, opId, all. */
export type PurgeForms<T> = readonly [FormSchema<T>, FormSchema<T>, FormSchema<T>, FormSchema<T>];

const TARGETS = ['mutation', 'opId', 'all'] as const;

export function isDryRun<C extends object>(command: C): command is Extract<C, { dryRun: true }> {
  return 'dryRun' in command && command.dryRun === true;
}

/**
 * Parses a purge or, when the body has a `dryRun` member, a dry run, with a precise problem on
 * failure ("purge: …" or "dry run: …"). A union's own error is only "Invalid input"; the target
 * member present picks the one form to check, so the problem names what is wrong with that form.
 */
export function parsePurgeCommandWith<Purge, DryRun>(
  forms: { purge: PurgeForms<Purge>; dryRun: PurgeForms<DryRun> },
  json: unknown,
): { ok: true; command: Purge | DryRun } | { ok: false; problem: string } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, problem: 'purge: the body must be a JSON object' };
  const dryRun = 'dryRun' in json;
  const kind = dryRun ? 'dry run' : 'purge';
  const present = TARGETS.filter((t) => t in json);
  if (present.length !== 1) {
    const got = present.length === 0 ? 'none' : present.join(' and ');
    return { ok: false, problem: `${kind}: give exactly one target: mutation, opId (optionally with varsHash) or all (got ${got})` };
  }
  const index = present[0] === 'mutation' ? 0 : present[0] === 'all' ? 3 : 'varsHash' in json ? 1 : 2;
  const parsed = (dryRun ? forms.dryRun : forms.purge)[index].safeParse(json);
  if (parsed.success) return { ok: true, command: parsed.data };
  const problem = parsed.error.issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
  return { ok: false, problem: `${kind}: ${problem}` };
}
