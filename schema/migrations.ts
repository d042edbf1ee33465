import { fileURLToPath } from 'node:url';

/** The drizzle-kit migrations of this schema (generated, committed), for the migrators on Node. */
export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
