import { createPurgeClient } from '../src/purge/client.ts';
import { openPurgeOutbox } from '../src/purge/outbox.ts';
import { silenceSqliteExperimentalWarning } from '../src/purge/sqlite-warning.ts';

// Run as a child process by outbox.test.ts: enqueue one purge towards an edge that is down, print
// its id, then die by SIGKILL right away (no close, no exit handlers), the way a crashed origin does.
silenceSqliteExperimentalWarning();
const [path, edgeUrl] = process.argv.slice(2);
const outbox = openPurgeOutbox({
  path: path!,
  client: createPurgeClient({ edgeUrl: edgeUrl!, secret: 'outbox-test-secret-0123', retries: 0 }),
});
const { purgeId } = outbox.enqueue({ tenant: 'crash-tenant', mutation: { op: 'updateEntity', variables: { id: '3', name: 'x' } } });
process.stdout.write(`${purgeId}\n`, () => process.kill(process.pid, 'SIGKILL'));
