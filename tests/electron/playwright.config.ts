import { defineConfig } from '@playwright/test';

/** The _electron smoke test: run through tests/electron/run.mjs, which skips it where Electron is not installed. */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/electron',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
});
