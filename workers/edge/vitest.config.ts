import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineProject } from 'vitest/config';

// Runs inside workerd against the root wrangler.toml: the real Durable Object and Cache API.
// Secrets are test values; vars come from wrangler.toml, LOCAL_REGION pinned for stable keys.
export default defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: '../../wrangler.toml' },
      miniflare: {
        bindings: {
          PURGE_SIGNING_SECRET: 'test-purge-secret-0123456789abcdef',
          CONTROL_PLANE_TOKEN: 'test-control-plane-token',
          LOCAL_REGION: 'test',
          // Closed port: the unit tests never reach a real origin or control plane (tests/e2e does).
          ORIGIN_URL: 'http://127.0.0.1:9',
          CONTROL_PLANE_URL: 'http://127.0.0.1:9',
        },
      },
    }),
  ],
  test: {
    name: 'workers',
    // test/chaos/ holds the chaos case that needs workerd itself (the Durable Object unreachable).
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The first request through the entry loads the whole worker module graph: seconds, not ms.
    testTimeout: 30_000,
  },
});
