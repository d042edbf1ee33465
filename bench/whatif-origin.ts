import type { JWK } from 'jose';
import { startJwksServer } from '@conductor/example-origin/testing/jwks-server';
import { startOrigin } from '@conductor/example-origin/server';
import type { ServiceTimeModel } from '@conductor/example-origin/service-time';
import { silenceSqliteExperimentalWarning } from '@conductor/sdk/sqlite-warning';

// Child process of bench/whatif.ts: the example origin alone (with a loopback JWKS in place of the
// control plane), so its CPU work and event loop never share a thread with the load generator.
// Config arrives as JSON in argv[2]; prints one JSON line {"url": …} when listening.
interface Config {
  publicJwk: JWK;
  concurrencyLimit: number;
  serviceTime: ServiceTimeModel;
}

silenceSqliteExperimentalWarning();
const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const jwks = await startJwksServer(config.publicJwk);
const origin = await startOrigin({
  port: 0,
  jwksUrl: jwks.url,
  // Queries only: mutations (and so purges) are never sent; nothing listens here.
  edgeUrl: 'http://127.0.0.1:9',
  purgeSecret: 'whatif-bench-unused-purge-secret',
  concurrencyLimit: config.concurrencyLimit,
  serviceTime: config.serviceTime,
  serverTiming: true,
  log: (line) => console.error(line),
});
console.log(JSON.stringify({ url: origin.url }));

const stop = async () => {
  await origin.close();
  await jwks.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
