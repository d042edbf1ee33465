// Setup of every `node` project test worker (vitest.config.ts): the purge outbox's node:sqlite
// ExperimentalWarning is known, so drop that one; every other warning still prints.
import { silenceSqliteExperimentalWarning } from '@conductor/sdk/sqlite-warning';

silenceSqliteExperimentalWarning();
