import { defineConfig } from '@playwright/test';

// Driven by tests/browser/run.sh, which starts `concord serve` on a fresh data dir and passes
// its console address and one-time sign-in link. Debian's Chromium, never a downloaded one.
const out = process.env.CONSOLE_TEST_OUTPUT ?? '../build/browser';

export default defineConfig({
  testDir: 'e2e',
  outputDir: `${out}/results`,
  timeout: 240_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.CONSOLE_URL ?? 'http://127.0.0.1:8080',
    viewport: { width: 1440, height: 1000 },
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin', // neither the visit's nor the guest's zone: conversions must be right
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
