import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineProject } from 'vitest/config';

// The control plane's tests that need workerd itself (`*.workerd.test.ts`): run inside the runtime
// with the bindings control-plane/wrangler.toml declares (the EXPORTS R2 bucket, from Miniflare).
export default defineProject({
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })],
  test: {
    name: 'control-plane-workerd',
    include: ['src/**/*.workerd.test.ts'],
    testTimeout: 30_000,
  },
});
