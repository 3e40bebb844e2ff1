import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source (the "@trainyard/source" export condition);
// only the BullMQ worker-thread entry runs compiled code, because Node 20 cannot load a
// .ts file inside a worker thread.
const conditions = ['@trainyard/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@trainyard/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
