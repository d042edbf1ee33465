import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The demo data belongs to the example origin (`@conductor/example-origin`): its persisted-query
 * manifest, its cache policy (tenants, TTLs, invalidation map) and its service catalog.
 */
export function demoFilePath(file: 'persisted-operations.json' | 'cache-policy.json' | 'catalog.yaml'): string {
  return createRequire(import.meta.url).resolve(`@conductor/example-origin/${file}`);
}

export function readDemoJson(file: 'persisted-operations.json' | 'cache-policy.json'): unknown {
  return JSON.parse(readFileSync(demoFilePath(file), 'utf8'));
}
