// The one schema object drizzle-kit and the database client see; each domain owns its file.
export * from './tenants.ts';
export * from './audit.ts';
export * from './cache.ts';
export * from './metrics.ts';
export * from './catalog.ts';
export * from './jobs.ts';
export * from './alerts.ts';
export * from './exports.ts';
