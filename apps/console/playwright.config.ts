import { defineConfig } from '@playwright/test';

/**
 * The console end to end in headless Chromium against a real hub (e2e/global-setup.ts): Debian's
 * chromium (Playwright's own browser download is not reachable here), no sandbox (CI runs as
 * root), and none of Chromium's background traffic, which a closed network refuses.
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/output',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
