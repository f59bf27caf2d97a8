import { defineConfig } from 'vitest/config';

// One runner for unit, API, emulator and browser tests. The PostgreSQL pass runs the tests that
// touch the database again with BAITWISE_TEST_DATABASE_URL set (see scripts/test.sh).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'emulator/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // On PostgreSQL: migrates one database that each test file's database is copied from.
    globalSetup: ['test/helpers/pg-template.ts'],
    reporters: ['default'],
  },
});
