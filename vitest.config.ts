import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One runner for unit, API, emulator and browser tests. The PostgreSQL pass runs the tests that
// touch the database again with BAITWISE_TEST_DATABASE_URL set (see scripts/test.sh).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'emulator/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // expect.poll waits for something the server or the page does next (a job's result, a select
    // following the URL). Vitest's default of 1 s turned a stall of the loaded CI machine into a
    // failed assertion (a picker still "All clients" 1 s after its page had drawn); a poll that
    // will succeed returns as soon as it does, so the longer limit only slows a real failure.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default (cores − 1) is a single worker on CI's two cores, and most test files
    // spend much of their time waiting (job expiries, rate windows, child processes, Chromium),
    // which left one core idle. Two at least.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Each worker keeps the modules it has loaded from one test file to the next: importing
    // Fastify, Kysely, pg-boss and the app again for every file cost more than many files'
    // tests. Files share no state through them: each builds its own app, database and emulator.
    isolate: false,
    // The add-in's bundle (test/global-setup.ts); on PostgreSQL, one migrated database that each
    // test file's database is copied from (test/helpers/pg-template.ts).
    globalSetup: ['test/global-setup.ts', 'test/helpers/pg-template.ts'],
    reporters: ['default'],
  },
});
