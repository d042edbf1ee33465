import { IN_MEMORY, OutboxStore } from '../src/purge/outbox-store.ts';
import { silenceSqliteExperimentalWarning } from '../src/purge/sqlite-warning.ts';

// Run as a child process by sqlite-warning.test.ts: opens an outbox (which loads node:sqlite) with or
// without the filter, then raises two other warnings, one of them experimental too.
if (process.argv[2] === 'silenced') silenceSqliteExperimentalWarning();
new OutboxStore(IN_MEMORY).close();
process.emitWarning('Widgets is an experimental feature and might change at any time', 'ExperimentalWarning');
process.emitWarning('frobnicate() is deprecated', 'DeprecationWarning');
