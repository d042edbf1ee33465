import { defineConfig } from 'vitest/config';

// Three projects: `workers` (the edge) and `control-plane-workerd` (the control plane's
// `*.workerd.test.ts`) run inside workerd (Cloudflare's pool); `node` runs the control plane, origin,
// SDK and the cross-process suites under tests/. `npm run test:pg` reruns `node` on PostgreSQL.
export default defineConfig({
  test: {
    projects: [
      'workers/edge/vitest.config.ts',
      'control-plane/vitest.workerd.config.ts',
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'sdk/**/*.test.ts',
            'schema/**/*.test.ts',
            'control-plane/**/*.test.ts',
            'examples/**/*.test.ts',
            'tests/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/*.workerd.test.ts'],
          setupFiles: ['tests/support/node-setup.ts'],
          // Vite resolves our `graphql` imports to graphql's ESM build while Node would load graphql-http's
          // own import of it as CommonJS: two copies of graphql-js, whose schemas refuse each other.
          // Inlined, graphql-http resolves graphql as our code does (tsx and wrangler agree by themselves).
          server: { deps: { inline: ['graphql-http'] } },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
