import { defineConfig } from 'vitest/config';

// Two projects: `workers` runs inside workerd (Cloudflare's pool); `node` runs the control plane,
// origin, SDK and the cross-process suites under tests/. `npm run test:pg` reruns `node` on PostgreSQL.
export default defineConfig({
  test: {
    projects: [
      'workers/edge/vitest.config.ts',
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
          exclude: ['**/node_modules/**'],
          setupFiles: ['tests/support/node-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
