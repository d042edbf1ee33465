import { readFileSync } from 'node:fs';
import { load, YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { CatalogFileSchema, ServiceOpInputSchema, toServiceOpSpec, type ServiceOpSpec, type ServiceInput } from '@conductor/schema/contracts/catalog';
import type { Actor } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { SEED_ACTOR } from '../seed/actor.ts';
import { demoFilePath } from '../seed/demo-files.ts';
import { putService, putServiceOp } from './service.ts';

/** The demo catalog `npm start` seeds: one ServiceOp per safelisted operation of examples/origin. */
export const DEMO_CATALOG_FILE = demoFilePath('catalog.yaml');

/** An invalid catalog file; the message names the file, the path inside it and the problem. */
export class CatalogFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid catalog\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogFileError';
  }
}

export interface CatalogPlan {
  /** Services in dependency order: everything a service depends on comes before it. */
  services: { name: string; input: ServiceInput }[];
  ops: ServiceOpSpec[];
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function issuesOf(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((issue) => `${pathText([...prefix, ...issue.path]) || '(root)'}: ${issue.message}`);
}

/**
 * Parses and checks a catalog file without touching the database: YAML syntax, the zod contract
 * of every service and op, unique names and ids, and references (dependsOn) that resolve within
 * the file without a cycle. Pure, so every way a file can be wrong is testable with vectors.
 */
export function planCatalog(text: string, file: string): CatalogPlan {
  let doc: unknown;
  try {
    doc = load(text);
  } catch (err) {
    if (err instanceof YAMLException) throw new CatalogFileError(file, [`YAML syntax: ${err.message.split('\n')[0]}`]);
    throw err;
  }
  const parsed = CatalogFileSchema.safeParse(doc);
  if (!parsed.success) throw new CatalogFileError(file, issuesOf(parsed.error));

  const problems: string[] = [];
  const services = new Map<string, { input: ServiceInput; at: string }>();
  const ops: ServiceOpSpec[] = [];
  const opIds = new Map<string, string>();
  parsed.data.services.forEach((svc, i) => {
    const at = `services[${i}]`;
    const { name, ops: rawOps, ...input } = svc;
    if (services.has(name)) problems.push(`${at}.name: duplicate service "${name}" (also ${services.get(name)!.at})`);
    services.set(name, { input, at });
    rawOps.forEach((raw, j) => {
      const { id, ...rest } = raw;
      const opAt = `${at}.ops[${j}]`;
      if ('service' in rest) {
        problems.push(`${opAt}.service: ops take their service from where they are nested; remove the key`);
        return;
      }
      const op = ServiceOpInputSchema.safeParse({ ...rest, service: name });
      if (!op.success) {
        problems.push(...issuesOf(op.error, ['services', i, 'ops', j]));
        return;
      }
      if (opIds.has(id)) problems.push(`${opAt}.id: duplicate op id "${id}" (also ${opIds.get(id)})`);
      opIds.set(id, opAt);
      ops.push(toServiceOpSpec(id, op.data));
    });
  });
  for (const [name, { input, at }] of services) {
    input.dependsOn.forEach((dep, k) => {
      if (!services.has(dep)) problems.push(`${at}.dependsOn[${k}]: unknown service "${dep}" (not in this file)`);
      if (dep === name) problems.push(`${at}.dependsOn[${k}]: service "${name}" cannot depend on itself`);
    });
  }
  if (problems.length > 0) throw new CatalogFileError(file, problems);

  // Depth-first topological order; a back edge is a dependency cycle.
  const ordered: CatalogPlan['services'] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new CatalogFileError(file, [`services: dependency cycle ${[...trail, name].join(' → ')}`]);
    state.set(name, 'visiting');
    const { input } = services.get(name)!;
    for (const dep of input.dependsOn) visit(dep, [...trail, name]);
    state.set(name, 'done');
    ordered.push({ name, input });
  };
  for (const name of services.keys()) visit(name, []);
  return { services: ordered, ops };
}

/**
 * Applies a catalog file through the same services the API uses (so it is validated and audited
 * like any admin write), all in one transaction: an invalid file changes nothing. Idempotent: a
 * rerun of the same file writes and audits nothing. Returns how many rows changed.
 */
export async function seedCatalog(db: Db, text: string, file: string, actor: Actor = SEED_ACTOR): Promise<{ services: number; ops: number }> {
  const plan = planCatalog(text, file);
  const changed = { services: 0, ops: 0 };
  await db.transaction(async (tx) => {
    for (const { name, input } of plan.services) {
      if ((await putService(tx, actor, name, input)).changed) changed.services += 1;
    }
    for (const op of plan.ops) {
      try {
        if ((await putServiceOp(tx, actor, op)).changed) changed.ops += 1;
      } catch (err) {
        // Database-dependent checks (the linked safelisted operation exists) still name the file.
        if (err instanceof ApiError) throw new CatalogFileError(file, [`op "${op.id}": ${err.message}`]);
        throw err;
      }
    }
  });
  return changed;
}

/** The demo catalog (examples/origin/catalog.yaml); needs the demo safelist seeded first. */
export function seedDemoCatalog(db: Db, actor?: Actor): Promise<{ services: number; ops: number }> {
  return seedCatalog(db, readFileSync(DEMO_CATALOG_FILE, 'utf8'), 'examples/origin/catalog.yaml', actor);
}
